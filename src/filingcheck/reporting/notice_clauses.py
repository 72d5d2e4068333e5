"""What the correction notice says about each rule, in the notice's own words, for the applicant.

The requirement texts quote 《保健食品行政许可受理审查要点》 (食药监办保化[2011]194号,
``shared/domain/review-points-2011.txt``) so that the applicant reads the clause that binds them;
the problem sentences say, in plain Chinese, what the machine found wrong. Findings carry English
messages for the reviewer; none of that reaches the applicant.
"""

from __future__ import annotations

from dataclasses import dataclass, field

NOTICE_NAME = "《保健食品行政许可受理审查要点》（食药监办保化〔2011〕194号）"


@dataclass(frozen=True)
class RuleText:
    """A rule as the notice puts it: short heading, the clause quoted, and a problem per field.

    ``problems`` maps a finding's ``field`` (``None``: any other) to the sentence naming the defect;
    ``show_values`` says whether the finding's expected and found values (read from the documents)
    help the applicant; ``details`` names, per field, one of them worth quoting on its own, as
    (label, "expected" or "found"), where the other is the machine's wording.
    """

    heading: str
    requirement: str
    problems: dict[str | None, str] = field(default_factory=dict)
    show_values: bool = True
    cite: str | None = None
    details: dict[str | None, tuple[str, str]] = field(default_factory=dict)

    def problem(self, field_name: str | None) -> str:
        return self.problems.get(field_name) or self.problems[None]

    def detail(self, field_name: str | None) -> tuple[str, str] | None:
        return self.details.get(field_name) or self.details.get(None)


RULE_TEXTS: dict[str, RuleText] = {
    "dossier.table_of_contents": RuleText(
        "申报资料目录及封页不符合要求",
        "申报资料首页为申报资料项目目录，目录中申报资料项目按《保健食品注册申请表》中“所附资料”顺序排列。"
        "每项资料加封页，封页上注明产品名称、申请人名称，右上角注明该项资料名称。",
        {
            "first_page": "申报资料首页不是申报资料项目目录。",
            "order": "申报资料项目目录中的项目未按《保健食品注册申请表》中“所附资料”的顺序排列。",
            "cover_sheets": "部分资料项目前未加封页。",
            "cover_content": "封页未注明产品名称、申请人名称或该项资料名称。",
            None: "申报资料目录或封页不符合要求。",
        },
        show_values=False,
        details={"cover_sheets": ("未加封页的项目", "found")},
    ),
    "dossier.paper_format": RuleText(
        "纸张规格或字号不符合要求",
        "申报资料使用A4规格纸张打印（中文不得小于宋体小4号字，英文不得小于12号字），内容应完整、清楚，不得涂改。",
        {
            "paper_size": "有页面未使用A4规格（210 mm × 297 mm）纸张。",
            "type_size": "有页面的中文字号小于宋体小4号字。",
            None: "申报资料的纸张规格或字号不符合要求。",
        },
        show_values=False,
    ),
    "applicant.matches_licence": RuleText(
        "申请人名称、地址与营业执照不一致",
        "申请人名称、地址应与《企业法人营业执照》、《事业单位法人资格登记证》中单位名称、地址完全一致。",
        {
            "applicant_name": "申请表所填申请人名称与营业执照（登记证书）中的单位名称不一致。",
            "applicant_address": "申请表所填申请人地址与营业执照（登记证书）中的住所不一致。",
            None: "申请人名称、地址与营业执照（登记证书）不一致。",
        },
    ),
    "applicant.matches_seal": RuleText(
        "申请人名称与印章不一致",
        "申请人名称、地址应与营业执照完全一致，并与印章一致。",
        {None: "申请人印章的印文与申请人名称不一致。"},
    ),
    "seal.every_page": RuleText(
        "申报资料未逐页加盖申请人印章",
        "除《保健食品注册申请表》、检验机构出具的检验报告、公证文书、官方证明文件及第三方证明文件外，"
        "申报资料应逐页加盖申请人印章或骑缝章；多个申请人联合申报的，应加盖所有申请人印章，"
        "技术转让应加盖转让方和受让方印章。",
        {None: "有页面未加盖申请人印章或骑缝章。"},
        show_values=False,
    ),
    "dossier.joint_recommendation": RuleText(
        "联合申报未提交负责人推荐书",
        "多个申请人联合申报的，应提交联合申报负责人推荐书。",
        {None: "本申请为多个申请人联合申报，申报资料中未见联合申报负责人推荐书。"},
        show_values=False,
    ),
    "consistency.internal": RuleText(
        "申报资料中同一内容前后不一致",
        "申报资料中同一内容（如产品名称、申请人名称、申请人地址等）的填写应前后一致。",
        {
            "product_name": "申报资料中产品名称的填写前后不一致。",
            "applicant_name": "申报资料中申请人名称的填写前后不一致。",
            "applicant_address": "申报资料中申请人地址的填写前后不一致。",
            None: "申报资料中同一内容的填写前后不一致。",
        },
    ),
    "consistency.electronic": RuleText(
        "电子版与纸质版内容不一致",
        "电子版与文字版的同一内容（产品名称、申请人名称、申请人地址、产品配方、试制单位名称、"
        "试制单位地址、试验单位名称、产品受理编号）应当一致。",
        {
            "formula": "电子版与纸质版的产品配方不一致。",
            None: "电子版与纸质版的{field}不一致。",
        },
    ),
    "dossier.resubmission": RuleText(
        "非首次申请未附撤审或不予批准通知书",
        "非首次申请的申报资料应提供撤审通知书或不予批准通知书复印件（加盖申请人公章），"
        "还应提供再次申报的理由，附于申报资料的首页。",
        {None: "本申请为非首次申请，申报资料首页未附撤审通知书或不予批准通知书复印件及再次申报的理由。"},
        show_values=False,
    ),
    "licence.matches_certificate": RuleText(
        "营业执照与保健食品批准证书不一致",
        "变更与技术转让产品注册及再注册申请中，申请人营业执照的名称、地址与保健食品批准证书中申请人名称、"
        "地址应当一致。对于不一致的情况，应当提供已经备案的证明资料（加盖申请人单位公章）。",
        {
            "licence_name": "营业执照的名称与保健食品批准证书中的申请人名称不一致。",
            "licence_address": "营业执照的住所与保健食品批准证书中的申请人地址不一致。",
            None: "营业执照的名称、地址与保健食品批准证书不一致。",
        },
    ),
    "checklist.required_items": RuleText(
        "申报资料项目不全",
        "申报资料应包括本申请类别按《要点》所列的全部资料项目。",
        {None: "申报资料缺少本申请类别所要求的资料项目。"},
        show_values=False,
        details={None: ("缺少的项目", "expected")},
    ),
    "formula.per_1000_units": RuleText(
        "配方用量表示方式不符合要求",
        "原、辅料用量应以制成1000个制剂单位的量作为配方量，如：以制成1000粒、1000片、1000袋、1000瓶"
        "或1000ml、1000g等所用原辅料的量计算配方量，不得以百分比表示。",
        {None: "产品配方的原、辅料用量未以制成1000个制剂单位的量表示。"},
        show_values=False,
        details={None: ("配方中的表述", "found")},
    ),
    "test_report.validity": RuleText(
        "检验报告超过有效期",
        "检验报告有效期为自检验机构签发之日起的5年内，超过有效期的检验报告不予受理。",
        {None: "检验报告的签发日期距提交之日已超过5年。"},
        show_values=False,
        details={None: ("签发日期", "found")},
    ),
    "test_report.seals": RuleText(
        "检验报告印章不符合要求",
        "检验报告除在检验结论处加盖检验机构公章外，一页以上的检验报告必须加盖骑缝章或逐页加盖公章。",
        {None: "检验报告未在检验结论处加盖检验机构公章，或一页以上的报告未加盖骑缝章或逐页加盖公章。"},
        show_values=False,
    ),
    "test_report.consistency": RuleText(
        "检验报告与检验申请表不一致",
        "检验报告中产品名称、送检单位、样品生产或试制单位名称、样品批号应与检验申请表中相应内容一致。"
        "若有变更，申请人和检验机构需提供书面说明。",
        {None: "检验报告中的{field}与检验申请表不一致。"},
    ),
    "licence.uscc_checksum": RuleText(
        "营业执照统一社会信用代码有误",
        "申请人应提交营业执照或者其他机构合法登记证明文件的复印件；其中统一社会信用代码应符合"
        "GB 32100-2015《法人和其他组织统一社会信用代码编码规则》。",
        {None: "营业执照复印件上的统一社会信用代码未通过校验位核验，请核对后提交清晰、正确的复印件。"},
        show_values=False,
        details={None: ("统一社会信用代码", "found")},
        cite="《要点》二(二)；GB 32100-2015",
    ),
    "licence.term_valid": RuleText(
        "营业执照不在营业期限内",
        "申请人应提交营业执照或者其他机构合法登记证明文件的复印件，该证明文件应在有效期内。",
        {None: "营业执照的营业期限未涵盖本次提交日期。"},
        show_values=False,
        details={None: ("营业期限", "found")},
        cite="《要点》二(二)",
    ),
}


def text_of(rule: str) -> RuleText:
    """The notice text of ``rule``; a rule added later without a text still gets a plain entry."""
    return RULE_TEXTS.get(rule) or RuleText(rule, "", {None: "不符合要求。"}, show_values=True)
