"""Label vocabularies: how each field is labelled on the forms and licences seen in practice."""

from __future__ import annotations

from filingcheck.models import FieldName

FORM_LABELS: dict[FieldName, tuple[str, ...]] = {
    FieldName.PRODUCT_NAME: ("产品名称", "保健食品名称", "产品中文名称", "申请产品名称"),
    FieldName.APPLICANT_NAME: ("申请人名称", "申请人中文名称", "申请单位名称"),
    FieldName.APPLICANT_ADDRESS: ("申请人地址", "申请人住所", "申请单位地址", "申请人通讯地址"),
    FieldName.LEGAL_REPRESENTATIVE: (
        "法定代表人",
        "法人代表",
        "法定代表人姓名",
        "法定代表人(签字)",
        "法定代表人签字",
    ),
    FieldName.TRIAL_UNIT_NAME: ("试制单位名称", "样品试制单位", "试制单位"),
    FieldName.TRIAL_UNIT_ADDRESS: ("试制单位地址", "试制地址"),
    FieldName.TEST_UNIT_NAME: ("试验单位名称", "检验单位名称", "检验机构名称", "试验单位", "检验机构"),
    FieldName.ACCEPTANCE_NUMBER: ("受理编号", "产品受理编号", "受理号"),
    FieldName.APPLICATION_TYPE: ("申请类别", "申请类型", "注册类别"),
}

COVER_LABELS: dict[FieldName, tuple[str, ...]] = {
    FieldName.PRODUCT_NAME: ("产品名称", "保健食品名称"),
    FieldName.APPLICANT_NAME: ("申请人名称", "申请人", "申请单位"),
}

# Business licences (营业执照) and institution certificates (事业单位法人证书: 开办资金, 有效期,
# 登记管理机关 for the licence's 注册资本, 营业期限, 登记机关).
LICENCE_LABELS: dict[FieldName, tuple[str, ...]] = {
    FieldName.USCC: ("统一社会信用代码", "社会信用代码", "信用代码"),
    FieldName.LICENCE_NAME: ("名称", "单位名称", "企业名称"),
    FieldName.LICENCE_TYPE: ("类型", "企业类型", "公司类型", "主体类型"),
    FieldName.LICENCE_ADDRESS: ("住所", "经营场所", "营业场所", "主要经营场所", "地址"),
    FieldName.LICENCE_LEGAL_REPRESENTATIVE: ("法定代表人", "负责人", "经营者", "执行事务合伙人"),
    FieldName.REGISTERED_CAPITAL: ("注册资本", "注册资金", "出资额", "开办资金"),
    FieldName.FOUNDED_ON: ("成立日期", "注册日期"),
    FieldName.LICENCE_TERM: ("营业期限", "经营期限", "合伙期限", "有效期", "有效期限"),
    FieldName.REGISTRATION_AUTHORITY: ("登记机关", "登记管理机关", "发证机关"),
}

# Licence labels that never occur inside a value: where OCR glued one column's value to the next
# column's label (``…自然人投资或控成立日期2006年…``), the line is cut at them.
GLUED_LABEL_FIELDS: frozenset[FieldName] = frozenset(
    {
        FieldName.USCC,
        FieldName.LICENCE_LEGAL_REPRESENTATIVE,
        FieldName.REGISTERED_CAPITAL,
        FieldName.FOUNDED_ON,
        FieldName.LICENCE_TERM,
        FieldName.REGISTRATION_AUTHORITY,
    }
)

# An individual applicant's identity card stands where a company's licence would, for the name.
# Its 住址 (household registration) need not be the applicant's address on the form: not read as one.
IDENTITY_LABELS: dict[FieldName, tuple[str, ...]] = {
    FieldName.LICENCE_NAME: ("姓名",),
}

# The approval certificate (保健食品批准证书) names the holder; the change/transfer rules compare it.
CERTIFICATE_LABELS: dict[FieldName, tuple[str, ...]] = {
    FieldName.PRODUCT_NAME: ("产品名称", "保健食品名称"),
    FieldName.APPLICANT_NAME: ("申请人", "申请人名称", "注册人", "注册人名称", "持有人", "证书持有人"),
    FieldName.APPLICANT_ADDRESS: ("申请人地址", "注册人地址", "持有人地址", "地址", "住所"),
}

REPORT_LABELS: dict[FieldName, tuple[str, ...]] = {
    FieldName.REPORT_NUMBER: ("报告编号", "检验报告编号", "检测报告编号", "报告书编号", "编号", "报告号"),
    FieldName.REPORT_SAMPLE_NAME: ("样品名称", "检品名称", "受检样品名称", "产品名称", "样品名"),
    FieldName.REPORT_SUBMITTING_UNIT: (
        "送检单位",
        "委托单位",
        "送样单位",
        "委托方",
        "送检单位名称",
        "申请单位",
    ),
    FieldName.REPORT_MANUFACTURER: (
        "生产单位",
        "样品生产单位",
        "样品试制单位",
        "生产企业",
        "生产厂家",
        "生产厂商",
        "试制单位",
        "标称生产单位",
        "生产单位名称",
    ),
    FieldName.REPORT_BATCH_NUMBER: (
        "样品批号",
        "批号",
        "生产批号",
        "生产日期/批号",
        "批号/生产日期",
        "产品批号",
    ),
    FieldName.REPORT_ISSUED_ON: ("签发日期", "报告日期", "批准日期", "签发时间", "报告签发日期", "发布日期"),
    FieldName.REPORT_INSTITUTION: ("检验机构", "检验单位", "检测机构", "承检单位", "检验机构名称"),
    FieldName.REPORT_CONCLUSION: ("检验结论", "检测结论", "结论", "评价结论", "试验结论"),
}

# Labels that end a value: a wrapped value never runs into these.
ALL_LABELS: tuple[str, ...] = tuple(
    sorted(
        {
            label
            for table in (FORM_LABELS, LICENCE_LABELS, REPORT_LABELS)
            for labels in table.values()
            for label in labels
        }
        | {
            "联系人",
            "联系电话",
            "电话",
            "传真",
            "邮编",
            "邮政编码",
            "电子邮箱",
            "经营范围",
            "所附资料",
            "规格",
            "剂型",
            "保健功能",
            "功效成分",
            "申请人保证",
            "申请人签章",
            "日期",
            "样品数量",
            "收样日期",
            "检验类别",
            "检验项目",
            "检验依据",
            "备注",
            "申请日期",
        },
        key=len,
        reverse=True,
    )
)
