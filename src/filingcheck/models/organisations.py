"""How an organisation's name ends (公司, 研究所, 中心 …): shared by extraction (is this line a
name?) and the rules (is each part of a joint name an organisation?)."""

from __future__ import annotations

import re

# The kinds of body that apply or test: companies, institutes, centres, factories, groups,
# co-operatives, universities and hospitals; a branch in brackets may follow (…公司(北京分公司)).
ORGANISATION_NAME = re.compile(r"(公司|研究所|研究院|中心|厂|集团|合作社|大学|学院|医院)(\(.*\))?$")
