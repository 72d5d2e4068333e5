"""Chinese and English display names, so the report speaks the clerk's language."""

from __future__ import annotations

from filingcheck.models import (
    ApplicationType,
    DocType,
    EvidenceRole,
    FieldName,
    SealKind,
    Source,
    Status,
    Verdict,
)

VERDICTS: dict[str, tuple[str, str]] = {
    Verdict.ACCEPT: ("受理", "Accept"),
    Verdict.RETURN_FOR_CORRECTION: ("退回补正", "Return for correction"),
    Verdict.NEEDS_REVIEW: ("需人工复核", "Needs review"),
}

STATUSES: dict[str, tuple[str, str]] = {
    Status.FAIL: ("不通过", "Fail"),
    Status.UNCERTAIN: ("待复核", "Uncertain"),
    Status.PASS: ("通过", "Pass"),
    Status.NOT_APPLICABLE: ("不适用", "Not applicable"),
}

# The order in which a clerk reads findings: what sends the dossier back comes first.
STATUS_ORDER: tuple[Status, ...] = (Status.FAIL, Status.UNCERTAIN, Status.PASS, Status.NOT_APPLICABLE)

APPLICATION_TYPES: dict[str, str] = {
    ApplicationType.DOMESTIC_NEW: "国产保健食品注册",
    ApplicationType.IMPORT_NEW: "进口保健食品注册",
    ApplicationType.DOMESTIC_TRANSFER: "国产保健食品技术转让产品注册",
    ApplicationType.IMPORT_TRANSFER: "进口保健食品技术转让产品注册",
    ApplicationType.DOMESTIC_CHANGE: "国产保健食品变更",
    ApplicationType.IMPORT_CHANGE: "进口保健食品变更",
    ApplicationType.DOMESTIC_RENEWAL: "国产保健食品再注册",
    ApplicationType.IMPORT_RENEWAL: "进口保健食品再注册",
    ApplicationType.CERTIFICATE_REISSUE: "补发保健食品批准证书",
}

FIELDS: dict[str, str] = {
    FieldName.APPLICANT_NAME: "申请人名称",
    FieldName.APPLICANT_ADDRESS: "申请人地址",
    FieldName.PRODUCT_NAME: "产品名称",
    FieldName.LEGAL_REPRESENTATIVE: "法定代表人",
    FieldName.TRIAL_UNIT_NAME: "试制单位名称",
    FieldName.TRIAL_UNIT_ADDRESS: "试制单位地址",
    FieldName.TEST_UNIT_NAME: "试验单位名称",
    FieldName.ACCEPTANCE_NUMBER: "受理编号",
    FieldName.APPLICATION_TYPE: "申请类别",
    FieldName.USCC: "统一社会信用代码",
    FieldName.LICENCE_NAME: "营业执照 名称",
    FieldName.LICENCE_ADDRESS: "营业执照 住所",
    FieldName.LICENCE_LEGAL_REPRESENTATIVE: "营业执照 法定代表人",
    FieldName.LICENCE_TYPE: "营业执照 类型",
    FieldName.REGISTERED_CAPITAL: "注册资本",
    FieldName.FOUNDED_ON: "成立日期",
    FieldName.LICENCE_TERM: "营业期限",
    FieldName.REGISTRATION_AUTHORITY: "登记机关",
    FieldName.ID_NUMBER: "公民身份号码",
    FieldName.FORMULA_LINE: "配方",
    FieldName.ITEM_NAME: "资料名称",
    FieldName.REPORT_NUMBER: "检验报告编号",
    FieldName.REPORT_SAMPLE_NAME: "样品名称",
    FieldName.REPORT_SUBMITTING_UNIT: "送检单位",
    FieldName.REPORT_MANUFACTURER: "样品生产单位",
    FieldName.REPORT_BATCH_NUMBER: "样品批号",
    FieldName.REPORT_ISSUED_ON: "报告签发日期",
    FieldName.REPORT_INSTITUTION: "检验机构",
}

DOC_TYPES: dict[str, str] = {
    DocType.TABLE_OF_CONTENTS: "申报资料项目目录",
    DocType.APPLICATION_FORM: "注册申请表",
    DocType.COVER_SHEET: "封页",
    DocType.BUSINESS_LICENCE: "营业执照",
    DocType.INSTITUTION_CERTIFICATE: "事业单位法人证书",
    DocType.IDENTITY_CARD: "身份证",
    DocType.FORMULA: "产品配方",
    DocType.TEST_REPORT: "检验报告",
    DocType.TEST_APPLICATION_FORM: "检验申请表",
    DocType.ACCEPTANCE_NOTICE: "检验受理通知书",
    DocType.PRODUCTION_PROCESS: "生产工艺",
    DocType.QUALITY_STANDARD: "质量标准",
    DocType.LABEL_INSTRUCTIONS: "标签说明书",
    DocType.PATENT_GUARANTEE: "专利不侵权保证书",
    DocType.TRADEMARK_CERTIFICATE: "商标注册证",
    DocType.JOINT_RECOMMENDATION: "联合申报负责人推荐书",
    DocType.WITHDRAWAL_NOTICE: "撤审/不予批准通知书",
    DocType.APPROVAL_CERTIFICATE: "保健食品批准证书",
    DocType.OTHER_TEXT: "其他",
}

SOURCES: dict[str, str] = {
    Source.PAPER: "纸质",
    Source.ELECTRONIC: "电子版",
    Source.SEAL: "印章",
}

ROLES: dict[str, tuple[str, str]] = {
    EvidenceRole.EXPECTED: ("应为", "expected"),
    EvidenceRole.FOUND: ("实际", "found"),
    EvidenceRole.CONTEXT: ("参考", "context"),
}

SEAL_KINDS: dict[str, str] = {
    SealKind.ROUND: "圆章",
    SealKind.OVAL: "椭圆章",
    SealKind.SQUARE: "方章",
    SealKind.STRADDLE_SLICE: "骑缝章切片",
}


def zh(table: dict[str, str], key: str | None) -> str:
    """The Chinese name of a code value, or the code itself where we have none."""
    if key is None:
        return ""
    return table.get(key, key)
