//! The sheet kinds a return can hold, their columns and the aliases real returns use for
//! them (SPEC §3, DOMAIN.md §1). Pure data: the reader builds its lookups from it
//! (`ingest::header_index`).

/// What a sheet holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum SheetKind {
    /// 支部名册 (register)
    Branches,
    /// 督导人员 (register)
    Leaders,
    /// 基本情况
    Info,
    /// 党员花名册
    Roster,
    /// 会议记录
    Meetings,
    /// 谈心谈话记录
    Talks,
    /// 查摆问题清单
    Problems,
    /// 整改项目清单
    Rectifications,
    /// 落实结果清单
    Results,
}

impl SheetKind {
    /// The kinds a branch return is made of, in the order the notice lists them.
    pub const RETURN_KINDS: [SheetKind; 7] = [
        SheetKind::Info,
        SheetKind::Roster,
        SheetKind::Meetings,
        SheetKind::Talks,
        SheetKind::Problems,
        SheetKind::Rectifications,
        SheetKind::Results,
    ];

    /// The standard Chinese name of the sheet.
    pub fn label(self) -> &'static str {
        spec(self).label
    }

    pub fn is_register(self) -> bool {
        matches!(self, SheetKind::Branches | SheetKind::Leaders)
    }
}

/// One column of a sheet kind.
pub struct Column {
    /// The standard header; also the field's identifier in code.
    pub name: &'static str,
    pub aliases: &'static [&'static str],
    pub required: bool,
}

pub struct KindSpec {
    pub kind: SheetKind,
    pub label: &'static str,
    pub sheet_aliases: &'static [&'static str],
    pub columns: &'static [Column],
}

const fn req(name: &'static str, aliases: &'static [&'static str]) -> Column {
    Column {
        name,
        aliases,
        required: true,
    }
}
const fn opt(name: &'static str, aliases: &'static [&'static str]) -> Column {
    Column {
        name,
        aliases,
        required: false,
    }
}

/// Columns any branch sheet may carry besides its own: a row number and the branch's name.
pub const SEQ_ALIASES: &[&str] = &["序号", "序", "编号序号", "No", "NO", "no"];
pub const BRANCH_ALIASES: &[&str] = &[
    "支部名称",
    "党支部名称",
    "党组织名称",
    "所在党支部",
    "所属党支部",
    "所在支部",
    "所属支部",
    "支部",
    "党支部",
];

pub static SPECS: [KindSpec; 9] = [
    KindSpec {
        kind: SheetKind::Branches,
        label: "支部名册",
        sheet_aliases: &[
            "支部名册",
            "党支部名册",
            "支部名单",
            "基层党组织名册",
            "党组织名册",
            "党支部名单",
        ],
        columns: &[
            req(
                "支部名称",
                &["党支部名称", "党组织名称", "支部", "支部全称", "党组织全称"],
            ),
            req(
                "支部类别",
                &["类别", "组织类别", "单位类型", "党组织类别", "支部类型"],
            ),
            opt("设支委会", &["是否设支委会", "支委会", "是否设立支委会"]),
            opt("书记", &["支部书记", "党支部书记"]),
            opt("党员人数", &["党员数", "党员总数", "党员人数(人)"]),
            opt("联系电话", &["电话", "手机号", "联系方式"]),
        ],
    },
    KindSpec {
        kind: SheetKind::Leaders,
        label: "督导人员",
        sheet_aliases: &[
            "督导人员",
            "镇党委班子成员",
            "领导干部名单",
            "督导名单",
            "督导人员名单",
            "督导人员名册",
        ],
        columns: &[
            req("姓名", &["督导人员", "督导人姓名", "领导姓名"]),
            opt("职务", &["现任职务"]),
            req("职级", &["级别", "职务层次", "职级(待遇)"]),
            opt(
                "镇党委班子成员",
                &["是否镇党委班子成员", "班子成员", "是否班子成员"],
            ),
            opt("所在支部", &["所在党支部", "所属党支部", "所属支部"]),
        ],
    },
    KindSpec {
        kind: SheetKind::Info,
        label: "基本情况",
        sheet_aliases: &[
            "基本情况",
            "支部基本情况",
            "基本信息",
            "封面",
            "支部基本信息",
        ],
        columns: &[
            opt(
                "支部名称",
                &[
                    "党支部名称",
                    "党组织名称",
                    "支部全称",
                    "党组织全称",
                    "填报单位",
                    "报送单位",
                ],
            ),
            opt("填报人", &["填表人"]),
            opt("填报日期", &["填表日期", "报送日期"]),
            opt(
                "报送月份",
                &["所属月份", "报送期间", "所属期间", "报送月度"],
            ),
            opt("公示日期", &["整改清单公示日期", "公示时间"]),
            opt("公示范围", &["公示方式"]),
            opt("备案日期", &["上级备案日期", "报备日期", "备案时间"]),
            opt("支部类别", &["党组织类别", "组织类别"]),
            opt("书记", &["支部书记", "党支部书记"]),
            opt("党员人数", &["党员总数", "党员数"]),
            opt("联系电话", &["电话"]),
        ],
    },
    KindSpec {
        kind: SheetKind::Roster,
        label: "党员花名册",
        sheet_aliases: &[
            "党员花名册",
            "花名册",
            "党员名册",
            "党员信息",
            "党员基本信息",
            "党员信息表",
        ],
        columns: &[
            req("姓名", &["党员姓名"]),
            opt("性别", &[]),
            opt("出生日期", &["出生年月", "出生年月日"]),
            opt(
                "入党日期",
                &["入党时间", "入党年月", "加入党组织日期", "接收预备党员日期"],
            ),
            opt(
                "党员类别",
                &["人员类别(正式/预备)", "党员身份", "党籍状态", "政治面貌"],
            ),
            opt("党内职务", &["职务", "支部职务", "现任党内职务"]),
            opt(
                "特殊情况",
                &["人员状态", "党员状态", "备注类别", "特殊类别"],
            ),
            opt("党小组", &["所在党小组"]),
            opt(
                "身份证号",
                &["公民身份号码", "身份证号码", "公民身份证号码", "证件号码"],
            ),
            opt("联系电话", &["手机号", "电话", "手机号码", "联系方式"]),
        ],
    },
    KindSpec {
        kind: SheetKind::Meetings,
        label: "会议记录",
        sheet_aliases: &[
            "会议记录",
            "会议登记",
            "三会一课记录",
            "组织生活会记录",
            "学习记录",
            "会议登记表",
        ],
        columns: &[
            req("会议类型", &["类型", "会议名称", "会议类别"]),
            req(
                "会议日期",
                &["日期", "时间", "会议时间", "召开时间", "召开日期"],
            ),
            opt("应到人数", &["应到"]),
            opt("实到人数", &["实到", "出席人数"]),
            opt("主持人", &[]),
            opt(
                "参会人员",
                &["参会党员", "出席人员", "到会人员", "参加人员"],
            ),
            opt(
                "学习内容",
                &[
                    "内容",
                    "主要内容",
                    "议程",
                    "会议内容",
                    "会议议程",
                    "会议主题",
                    "议题",
                ],
            ),
            opt(
                "督导人员",
                &[
                    "指导人员",
                    "列席指导",
                    "上级督导",
                    "督导人",
                    "上级指导人员",
                    "到会指导的上级领导",
                    "点评人",
                ],
            ),
            opt("督导人员职级", &["督导职级", "指导人员职级"]),
            opt("派出单位", &["督导单位"]),
            opt("是否点评", &["点评"]),
            opt("党小组", &[]),
        ],
    },
    KindSpec {
        kind: SheetKind::Talks,
        label: "谈心谈话记录",
        sheet_aliases: &[
            "谈心谈话记录",
            "谈心谈话",
            "谈话记录",
            "谈心谈话台账",
            "谈心谈话记录表",
        ],
        columns: &[
            req("谈话日期", &["日期", "时间", "谈话时间"]),
            req("谈话人", &["谈话发起人", "谈话实施人"]),
            req("谈话对象", &["被谈话人"]),
            opt("对象类别", &["谈话对象类别"]),
            opt("谈话方式", &["方式", "形式"]),
            opt("主要内容", &["谈话内容", "意见建议"]),
        ],
    },
    KindSpec {
        kind: SheetKind::Problems,
        label: "查摆问题清单",
        sheet_aliases: &["查摆问题清单", "问题清单", "查摆问题"],
        columns: &[
            req("编号", &["问题编号", "序号"]),
            req("责任主体", &["查摆对象", "责任人"]),
            opt("问题类别", &["类别", "方面"]),
            req("问题描述", &["问题", "存在问题", "具体问题", "问题表现"]),
            req("查摆日期", &["日期"]),
        ],
    },
    KindSpec {
        kind: SheetKind::Rectifications,
        label: "整改项目清单",
        sheet_aliases: &["整改项目清单", "整改清单", "整改台账", "整改项目"],
        columns: &[
            req("编号", &["整改编号"]),
            req("问题编号", &["对应问题编号", "对应问题"]),
            req("整改事项", &["整改内容"]),
            req("整改措施", &["具体措施"]),
            req("责任人", &["整改责任人", "责任领导"]),
            req("整改时限", &["完成时限", "时限", "完成时间节点"]),
        ],
    },
    KindSpec {
        kind: SheetKind::Results,
        label: "落实结果清单",
        sheet_aliases: &["落实结果清单", "落实清单", "整改落实情况", "落实结果"],
        columns: &[
            req("整改编号", &["编号", "对应整改编号"]),
            req("完成情况", &["落实情况", "状态", "整改进展"]),
            opt("完成日期", &["完成时间"]),
            opt("是否公示", &["公示"]),
        ],
    },
];

pub fn spec(kind: SheetKind) -> &'static KindSpec {
    &SPECS[kind as usize]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn specs_are_indexed_by_kind() {
        for (i, s) in SPECS.iter().enumerate() {
            assert_eq!(s.kind as usize, i);
        }
    }
}
