"""Running text for the narrative items (研发报告, 工艺说明...) that names the product and the applicant."""

from __future__ import annotations

import random

from filingcheck.samples.facts import Facts
from filingcheck.samples.page import Ctx, DrawnPage, StampRequest, furniture, signature_block

TITLES = {
    3: "通用名称与已批准注册药品名称不重名的检索说明",
    4: "专利不侵权保证书",
    5: "商标注册情况说明",
    6: "产品研发报告",
    7: "配方依据",
    8: "功效成分/标志性成分的检测方法",
    9: "生产工艺说明",
    10: "产品质量标准编制说明",
    11: "直接接触产品的包装材料说明",
    14: "产品技术要求",
    15: "其他有助于产品评审的资料",
}

SENTENCES: dict[int, tuple[str, ...]] = {
    3: (
        "我单位于{day}登录国家药品监督管理局数据查询系统，以“{label}”为关键词对已批准注册的药品名称进行了检索。",
        "检索结果表明，“{product}”的通用名称与已经批准注册的药品名称不重名。",
        "检索网页打印件附后，检索过程及结果真实可靠，{applicant}对检索结果负责。",
    ),
    4: (
        "{applicant}郑重保证：我单位申请注册的“{product}”不涉及侵犯他人已取得的专利权。",
        "我单位已对与本产品配方、生产工艺相关的专利进行了查询，未发现相关的有效专利。",
        "如因本产品引起专利侵权纠纷，由{applicant}承担全部法律责任，与审批部门无关。",
    ),
    5: (
        "“{brand}”商标由{applicant}申请注册，商标使用范围包括保健食品。",
        "本产品名称中使用的商标与申请人名称一致，不存在商标使用权争议。",
    ),
    6: (
        "随着生活节奏加快和人口老龄化，消费者对{function}类保健食品的需求日益增长。",
        "{applicant}在查阅国内外大量文献的基础上，以{ingredient}为主要原料，研制了“{product}”。",
        "本产品的研发思路是选用安全性高、功效明确的原料，按照科学配伍的原则，开发一种适合长期食用的{form}产品。",
        "在功能筛选阶段，课题组对{ingredient}的不同用量进行了比较试验，综合考虑功效、安全性和成本，确定了本产品的配方。",
        "剂型选择方面，{form}剂型便于携带和服用，剂量准确，稳定性好，适合工业化生产。",
        "动物实验结果表明，本产品具有{function}的作用，且未见明显不良反应。",
        "本产品的预期效果为：{function}，适宜人群按推荐食用量长期食用，安全有效。",
        "样品由{trial_unit}按照《保健食品良好生产规范》的要求试制，工艺稳定，质量可控。",
    ),
    7: (
        "本产品配方中{ingredient}为主要功效原料，其用量参照相关文献及国家有关规定确定。",
        "辅料的选择以满足{form}成型工艺要求为原则，所用辅料均符合相应的食品安全国家标准。",
        "各原料的每日食用量均在国家规定的允许范围之内，配方设计科学合理。",
        "原料供应商均具有合法的生产资质，并提供了原料检验报告。",
    ),
    8: (
        "本产品以{marker}作为功效成分/标志性成分，其含量测定采用高效液相色谱法。",
        "方法学验证结果表明，该方法线性关系良好，精密度、重复性及回收率均符合要求。",
        "取本品适量，精密称定，加流动相溶解并稀释至刻度，摇匀，滤过，取续滤液作为供试品溶液。",
        "按外标法以峰面积计算，即得每100g产品中{marker}的含量。",
    ),
    9: (
        "本产品的生产在{trial_unit}的十万级洁净车间内进行，生产过程严格执行《保健食品良好生产规范》。",
        "原辅料经检验合格后投料，按配方比例准确称量，称量过程实行双人复核。",
        "将{ingredient}与辅料置于混合机中混合30分钟，混合均匀度经检测符合要求。",
        "{form}成型后进行外观检查，剔除不合格品，合格品转入内包装工序。",
        "内包装完成后进行外包装，按批号逐批检验，检验合格后方可入库。",
        "关键工艺参数包括：混合时间、干燥温度（60℃±5℃）、环境温湿度及{form}的装量差异。",
        "生产设备包括粉碎机、三维混合机、{machine}及铝塑包装机等，均定期进行清洁和验证。",
    ),
    10: (
        "本标准根据“{product}”的配方、生产工艺及中试产品的检验结果制定。",
        "感官要求、理化指标及微生物指标按照GB 16740-2014《食品安全国家标准 保健食品》的规定制定。",
        "功效成分{marker}的指标依据三批样品的实测值并结合稳定性试验结果确定。",
        "原辅料质量要求中列出了各原辅料执行的标准，{applicant}对每批原料均进行进货查验。",
    ),
    11: (
        "本产品内包装材料为药品包装用聚氯乙烯/铝箔，符合国家相关质量标准。",
        "包装材料由具有合法资质的企业供应，供应商提供了产品检验报告及营业执照复印件。",
        "包装材料的选择综合考虑了{form}的稳定性、阻隔性能及与产品的相容性。",
    ),
    14: (
        "产品名称：{product}。",
        "本产品以{ingredient}等为原料制成，具有{function}的保健功能。",
        "技术要求内容包括原料要求、感官要求、鉴别、理化指标、功效成分或标志性成分指标及微生物指标。",
        "装量或重量差异指标应符合《中华人民共和国药典》中{form}项下的规定。",
    ),
    15: (
        "本部分收录原料生产企业的合法登记文件、原料检验报告及购销发票复印件。",
        "{applicant}与{trial_unit}签订了委托加工协议，明确了双方的质量责任。",
        "样品试制单位具有有效的营业执照和保健食品生产许可证，许可范围包括{form}剂型。",
    ),
}
GENERIC = (
    "本资料中的数据均来源于实际试验记录，真实可靠。",
    "{applicant}建立了完善的质量管理体系，对产品质量实施全过程控制。",
    "本产品所用原料均符合国家有关规定，可用于保健食品。",
    "试制样品共三批，各批样品检验结果均符合产品质量标准的要求。",
    "生产过程中对关键工艺参数进行了监控，确保产品质量均一稳定。",
    "经稳定性考察，产品在常温条件下贮存24个月质量稳定。",
    "本产品的标签、说明书内容符合国家相关规定，未涉及疾病预防、治疗功能。",
    "以上资料由{applicant}组织编写，并对其真实性负责。",
    "{trial_unit}具备保健食品生产许可证，生产条件符合要求。",
    "各批次产品的感官、理化及微生物指标检测结果均在规定范围内。",
    "研发过程中参考了国内外相关文献资料，并结合了企业多年的生产实践经验。",
    "{product}的配方、工艺及质量标准经过反复论证，具有较好的可行性。",
    "原料{ingredient}的质量标准、检验方法及检验结果详见本申报资料相应部分。",
    "为保证产品质量，{applicant}对每批原辅料均按照企业内控标准进行检验。",
)
HEADINGS = {
    6: ("概述", "研发思路", "功能筛选", "原料选择", "剂型选择", "工艺研究", "预期效果", "结论"),
    9: ("工艺流程", "工艺说明", "关键工艺参数", "生产设备", "质量控制", "结论"),
    10: ("编制依据", "技术要求", "检验方法", "原辅料质量要求", "编制说明"),
}
NUMERALS = "一二三四五六七八九十"
MACHINES = {
    "胶囊": "全自动胶囊充填机",
    "软胶囊": "软胶囊机",
    "片": "旋转式压片机",
    "咀嚼片": "旋转式压片机",
    "含片": "旋转式压片机",
    "颗粒": "颗粒包装机",
    "粉": "粉剂包装机",
    "口服液": "口服液灌装机",
}


def fill(template: str, f: Facts) -> str:
    return template.format(
        product=f.product_name,
        applicant=f.applicant.name,
        brand=f.brand,
        label=f.kind.label,
        function=f.kind.function,
        ingredient=f.kind.raw[0][0],
        form=f.form.name,
        marker=f.kind.marker,
        trial_unit=f.trial_unit.name,
        machine=MACHINES[f.form.name],
        day=f"{f.submitted_on.year}年",
    )


def paragraphs(item: int, f: Facts, rng: random.Random, n: int) -> list[str]:
    """``n`` paragraphs of two to four sentences, none repeated before the item's bank runs out."""
    deck = Deck(item, f, rng)
    return [deck.paragraph() for _ in range(n)]


class Deck:
    """Sentences of an item (then generic ones) dealt in shuffled order, reshuffled when used up."""

    def __init__(self, item: int, f: Facts, rng: random.Random) -> None:
        self.item, self.f, self.rng = item, f, rng
        self.cards: list[str] = []

    def deal(self) -> str:
        if not self.cards:
            own = list(SENTENCES.get(self.item, SENTENCES[6]))
            extra = list(GENERIC)
            self.rng.shuffle(own)
            self.rng.shuffle(extra)
            self.cards = own + extra[: max(4, len(own))]
        return fill(self.cards.pop(0), self.f)

    def paragraph(self) -> str:
        return "".join(self.deal() for _ in range(self.rng.randint(2, 4)))


def draw_prose(ctx: Ctx, item: int, doc_type: str, index: int, count: int) -> DrawnPage:
    """One page of running text; the first page of an item has its title, the last its signature."""
    c = ctx.canvas()
    f = ctx.facts
    pt = ctx.look.body_pt
    y = furniture(c, ctx, index + 1, count) + 8
    if index == 0:
        c.text(105, y, TITLES.get(item, "说明"), 16, "title", align="center")
        y += 14
        if item in (4, 14):
            c.text(ctx.left, y, f"产品名称：{f.product_name}", pt)
            y += ctx.em * 2
    last = index == count - 1
    bottom = 230.0 if last else 272.0
    width = ctx.right - ctx.left
    deck = Deck(item, f, ctx.rng)
    headings = HEADINGS.get(item, ())
    section = index * 2
    first = True
    while y < bottom - ctx.em * 4:
        if headings and section < len(headings) and (first or ctx.rng.random() < 0.45):
            c.text(ctx.left, y, f"{NUMERALS[section]}、{headings[section]}", pt, "title")
            section += 1
            y += ctx.em * 1.9
        text = deck.paragraph()
        room = int((bottom - y) / (ctx.em * 1.65))
        if room <= 0:
            break
        lines = c.wrap(text, pt, width, indent=2 * ctx.em)
        if len(lines) > room:
            text = "".join(lines[:room])
        y = c.paragraph(ctx.left, y, width, text, pt) + ctx.em * 0.3
        first = False
    if last:
        stamp = signature_block(c, ctx, max(y + 8, 240.0), f.submitted_on)
    else:
        stamp = StampRequest(
            "applicant",
            ctx.look.seal_kind,
            ctx.rng.uniform(110, 165),
            ctx.rng.uniform(min(y - 40, 200), max(min(y - 20, 250), 201)),
            per_page=True,
        )
    return DrawnPage(c, doc_type, item, [stamp])
