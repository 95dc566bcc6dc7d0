//! The sheet kinds a return can hold, their columns and the aliases real returns use for
//! them (SPEC §3, DOMAIN.md §1). Pure data: the reader builds its lookups from it
//! (`ingest::header_index`), the template its sheets, the archive its CSV headers.

use crate::finding::Code;

use super::vocab::{
    Category, Gender, MeetingKind, MemberCategory, Rank, ResultStatus, Role, Special, TalkMode,
    TalkTarget, YES_NO,
};

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
    /// 委员分工: who holds which committee post. Not a required return: real systems export
    /// rosters without 党内职务 and list the committee on a sheet of its own.
    Committee,
    /// 民主评议: each member's grade (SPEC §7), for campaigns with an evaluation step.
    Evaluation,
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

/// One column of a sheet kind: everything the project knows about it, declared once. The
/// reader finds it by `name` and `aliases` and requires it when `required`; the template
/// formats, validates and explains it from `value`, `choices` and `hint`; the archive's CSVs
/// and the summary name it by `name`.
pub struct Column {
    /// The standard header; also the field's identifier in code.
    pub name: &'static str,
    pub aliases: &'static [&'static str],
    pub required: bool,
    /// What a cell holds.
    pub value: Value,
    /// The closed vocabulary a cell is written in, if any (the template's dropdown).
    pub choices: Option<Choices>,
    /// A vocabulary the campaign declares rather than the project (`[evaluation].grades`):
    /// the template's dropdown is the campaign's list, held as [`Enforce::Stop`].
    pub campaign_choices: Option<CampaignList>,
    /// 填写说明 shown on the template's column; `{party_group_threshold}` is the campaign's.
    pub hint: Option<&'static str>,
    /// A sheet kind that supplies this field when the kind's own sheets lack the column (the
    /// roster's 党内职务 from a 委员分工 sheet).
    pub supplied_by: Option<SheetKind>,
    /// Typed by the branch. `false` for the 基本情况 items the register already holds
    /// (类别, 书记, 党员人数, 联系电话): read when a return carries them, not asked for.
    pub in_template: bool,
    /// Headers that name this field only when the column's values are the field's own
    /// (`人员类别` is 党员类别 when it holds 正式党员/预备党员, not when it holds 在职/离退).
    pub by_value: &'static [&'static str],
    /// Headers that fill this field only when no header names it, even if the same column
    /// feeds another field too (会议主题 is content, and the meeting's type when there is no
    /// 会议类型 column).
    pub fallback: &'static [&'static str],
    /// 是/否 columns each of which, when 是, adds one label of this field (是否流动党员 → 流动党员).
    pub flags: &'static [(&'static str, &'static str)],
    /// Rules that cannot be judged when a branch's sheets lack this (optional) column: the
    /// branch is told once (S008) and those rules say nothing about it.
    pub needed_by: &'static [Code],
}

/// What a column's cells hold: how the template formats and validates them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Value {
    Text,
    /// Long free text (contents, measures): wrapped.
    Long,
    /// A date (a day, or a month where the column allows it).
    Date,
    /// A month (报送月份).
    Month,
    /// A whole number of people.
    Count,
    /// Digits that must stay text (联系电话).
    Digits,
    /// 身份证号: 18 characters, text.
    IdNumber,
}

/// A closed vocabulary: its standard labels and how strictly the template holds to them.
#[derive(Clone, Copy, Debug)]
pub struct Choices {
    pub labels: &'static [&'static str],
    pub enforce: Enforce,
}

/// A list of values a campaign configures.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CampaignList {
    /// 民主评议's grades (`[evaluation].grades`).
    Grades,
}

/// How strictly a dropdown holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Enforce {
    /// Only the listed values.
    Stop,
    /// Other values after a confirmation (ranks written as 四级主任科员, 党员大会、党课).
    Warn,
    /// The list is a suggestion; anything may be typed (several values joined with 、).
    Hint,
}

pub struct KindSpec {
    pub kind: SheetKind,
    pub label: &'static str,
    pub sheet_aliases: &'static [&'static str],
    pub columns: &'static [Column],
}

impl KindSpec {
    /// The column named `name` (a standard name).
    pub fn column(&self, name: &str) -> Option<&'static Column> {
        self.columns.iter().find(|c| c.name == name)
    }
}

const fn req(name: &'static str, aliases: &'static [&'static str]) -> Column {
    Column {
        name,
        aliases,
        required: true,
        value: Value::Text,
        choices: None,
        campaign_choices: None,
        hint: None,
        supplied_by: None,
        in_template: true,
        by_value: &[],
        fallback: &[],
        flags: &[],
        needed_by: &[],
    }
}

const fn opt(name: &'static str, aliases: &'static [&'static str]) -> Column {
    Column {
        required: false,
        ..req(name, aliases)
    }
}

/// The rest of a column's declaration, chained after [`req`] or [`opt`].
impl Column {
    const fn valued(self, value: Value) -> Column {
        Column { value, ..self }
    }
    const fn long(self) -> Column {
        self.valued(Value::Long)
    }
    const fn date(self) -> Column {
        self.valued(Value::Date)
    }
    const fn month(self) -> Column {
        self.valued(Value::Month)
    }
    const fn count(self) -> Column {
        self.valued(Value::Count)
    }
    const fn id_number(self) -> Column {
        self.valued(Value::IdNumber)
    }
    /// 联系电话, the same everywhere.
    const fn phone(self) -> Column {
        self.valued(Value::Digits)
            .hint("文本格式：手机号11位，固定电话带区号")
    }
    const fn choose(self, labels: &'static [&'static str], enforce: Enforce) -> Column {
        Column {
            choices: Some(Choices { labels, enforce }),
            ..self
        }
    }
    const fn choose_from_campaign(self, list: CampaignList) -> Column {
        Column {
            campaign_choices: Some(list),
            ..self
        }
    }
    const fn hint(self, hint: &'static str) -> Column {
        Column {
            hint: Some(hint),
            ..self
        }
    }
    const fn by_value(self, by_value: &'static [&'static str]) -> Column {
        Column { by_value, ..self }
    }
    const fn or_from(self, fallback: &'static [&'static str]) -> Column {
        Column { fallback, ..self }
    }
    const fn flags(self, flags: &'static [(&'static str, &'static str)]) -> Column {
        Column { flags, ..self }
    }
    const fn or_sheet(self, kind: SheetKind) -> Column {
        Column {
            supplied_by: Some(kind),
            ..self
        }
    }
    const fn needed_by(self, needed_by: &'static [Code]) -> Column {
        Column { needed_by, ..self }
    }
    const fn held_by_register(self) -> Column {
        Column {
            in_template: false,
            ..self
        }
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

pub static SPECS: [KindSpec; 11] = [
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
            ).hint("写全称，如“青林镇红星村党支部”；各支部报表「基本情况」中的支部名称须与此一致"),
            req(
                "支部类别",
                &["类别", "组织类别", "单位类型", "党组织类别", "支部类型"],
            ).choose(Category::LABELS, Enforce::Stop),
            opt("设支委会", &["是否设支委会", "支委会", "是否设立支委会"]).choose(YES_NO, Enforce::Stop)
                .hint("正式党员7人以上设支委会的填“是”，只设书记的填“否”；不填按“是”处理"),
            opt("书记", &["支部书记", "党支部书记"]),
            opt("党员人数", &["党员数", "党员总数", "党员人数(人)"]).count().hint("花名册上的党员人数（含预备党员）"),
            opt("联系电话", &["电话", "手机号", "联系方式"]).phone(),
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
            opt("职务", &["现任职务"]).hint("如“镇党委副书记”“组织委员”"),
            req("职级", &["级别", "职务层次", "职级(待遇)"]).choose(Rank::LABELS, Enforce::Warn)
                .hint("请从下拉中选择；不要只写职务（如“副镇长”）"),
            opt(
                "镇党委班子成员",
                &["是否镇党委班子成员", "班子成员", "是否班子成员"],
            ).choose(YES_NO, Enforce::Stop)
                .hint("镇党委班子成员每人至少到一个支部督导；不填按“否”处理"),
            opt("所在支部", &["所在党支部", "所属党支部", "所属支部"]).hint("本人以普通党员身份参加组织生活的支部（双重组织生活）"),
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
            ).hint("须与镇级支部名册中的支部名称一致，如“青林镇红星村党支部”"),
            opt("填报人", &["填表人"]),
            opt("填报日期", &["填表日期", "报送日期"]).date().hint("本次报送的日期；同一支部报送两次的，以填报日期晚的为准"),
            opt(
                "报送月份",
                &["所属月份", "报送期间", "所属期间", "报送月度"],
            ).month().hint("按月报送时填写，如“2024年8月”；一次报送全部台账的可不填"),
            opt("公示日期", &["整改清单公示日期", "公示时间"]).date().hint("整改清单公示的日期"),
            opt("公示范围", &["公示方式"]).hint("如“村务公开栏”“党员微信群”"),
            opt("备案日期", &["上级备案日期", "报备日期", "备案时间"]).date().hint("整改清单报上级党组织备案的日期"),
            opt("支部类别", &["党组织类别", "组织类别"]).held_by_register(),
            opt("书记", &["支部书记", "党支部书记"]).held_by_register(),
            opt("党员人数", &["党员总数", "党员数"]).count().held_by_register(),
            opt("联系电话", &["电话"]).phone().held_by_register(),
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
            req("姓名", &["党员姓名"]).hint("与花名册、会议和谈话记录中的写法一致"),
            opt("性别", &[]).choose(Gender::LABELS, Enforce::Stop),
            opt("出生日期", &["出生年月", "出生年月日"]).date().hint("如 1972-03-15；只知道年月的写 1972年3月"),
            opt(
                "入党日期",
                &["入党时间", "入党年月", "加入党组织日期", "接收预备党员日期"],
            ).date().hint("如 1995-07-01；只知道年月的写 1995年7月"),
            opt("党员类别", &["人员类别(正式/预备)", "党员身份"])
                .by_value(&["人员类别", "党籍状态", "政治面貌", "党员类型"])
                .choose(MemberCategory::LABELS, Enforce::Stop),
            opt("党内职务", &["支部职务", "现任党内职务", "党内职务名称"])
                .by_value(&["职务", "现任职务"])
                .or_sheet(SheetKind::Committee)
                .needed_by(&[Code::C001, Code::C002])
                .choose(Role::LABELS, Enforce::Stop)
                .hint("支部班子成员选所任职务，其他党员选“党员”"),
            opt("特殊情况", &["备注类别", "特殊类别"])
                .by_value(&["人员状态", "党员状态", "备注"])
                .flags(&[
                    ("是否流动党员", "流动党员"),
                    ("是否外出务工", "流动党员"),
                    ("是否困难党员", "困难党员"),
                    ("是否生活困难党员", "困难党员"),
                    ("是否年老体弱", "年老体弱党员"),
                    ("是否年老体弱党员", "年老体弱党员"),
                ])
                .needed_by(&[Code::C003])
                .choose(Special::LABELS, Enforce::Hint)
                .hint("可从下拉中选；几项同时有的手工填写，用“、”分隔（如：流动党员、困难党员）；没有就空着"),
            opt("党小组", &["所在党小组", "所属党小组"]).hint("党员超过{party_group_threshold}人、分党小组开展批评的，填所在党小组"),
            opt(
                "身份证号",
                &["公民身份号码", "身份证号码", "公民身份证号码", "证件号码"],
            ).id_number()
                .hint("请先把本列设为文本（本模板已设好）；18位，末位X大写"),
            opt("联系电话", &["手机号", "电话", "手机号码", "联系方式", "移动电话"]).phone(),
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
            req(
                "会议类型",
                &["类型", "会议名称", "会议类别", "活动名称", "活动类型", "会议形式"],
            )
            .or_from(&["会议主题", "活动主题", "主题"]).choose(MeetingKind::WRITTEN, Enforce::Warn)
                .hint("请从下拉中选择；一次会议兼两种类型的，可写“党员大会、党课”"),
            req(
                "会议日期",
                &[
                    "日期",
                    "时间",
                    "会议时间",
                    "召开时间",
                    "召开日期",
                    "实际会议时间",
                    "实际时间",
                    "实际召开时间",
                    "活动时间",
                    "活动日期",
                    "开展时间",
                    "活动实际开始时间",
                    "实际开始时间",
                ],
            ).date().hint("如 2024-08-12"),
            opt("应到人数", &["应到", "应到会人数", "应参会人数", "应参加人数"]).count(),
            opt("实到人数", &["实到", "出席人数", "实到会人数", "实际参会人数", "参会人数"]).count(),
            opt("主持人", &["主持人姓名"]),
            opt(
                "参会人员",
                &[
                    "参会党员",
                    "出席人员",
                    "到会人员",
                    "参加人员",
                    "参会人",
                    "实到人员",
                    "参会人员名单",
                    "参加人员名单",
                    "出席人员名单",
                ],
            ).long().hint("参会党员姓名，用“、”分隔；党员大会请写全"),
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
                    "会议内容摘要",
                    "会议议题",
                    "会议纪要",
                    "活动内容",
                    "内容摘要",
                ],
            ).long()
                .hint("集中学习写明所学材料；党员大会写明议程：通报整改落实情况、通报支委会情况、批评和自我批评"),
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
                    "列席人员",
                    "列席领导",
                    "到会指导人员",
                ],
            )
            .needed_by(&[Code::V001, Code::V002])
            .hint("到会指导的上级人员姓名，多人用“、”分隔"),
            opt("督导人员职级", &["督导职级", "指导人员职级"]).choose(Rank::LABELS, Enforce::Warn)
                .hint("督导人员的职级；多名督导人员的，按姓名顺序用“、”分隔"),
            opt("派出单位", &["督导单位"]).hint("督导人员所在的上级组织，如“青林镇党委”"),
            opt("是否点评", &["点评"]).needed_by(&[Code::V004]).choose(YES_NO, Enforce::Stop).hint("督导人员是否作了点评"),
            opt("党小组", &["所属党小组", "所在党小组"]).hint("党小组会填开会的党小组"),
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
            req("谈话日期", &["日期", "时间", "谈话时间", "谈心时间", "谈心日期", "谈话日期时间"]).date().hint("如 2024-07-15"),
            req("谈话人", &["谈话发起人", "谈话实施人", "谈话人姓名", "谈心人"]),
            req("谈话对象", &["被谈话人", "谈话对象姓名", "被谈话人姓名", "谈心对象"]).hint("可填多人，用“、”分隔；征求群众意见的可写“村民代表”"),
            opt("对象类别", &["谈话对象类别"])
                .by_value(&["谈话类型", "谈话对象身份"]).choose(TalkTarget::LABELS, Enforce::Stop)
                .hint("征求群众意见的选“群众”或“服务对象”"),
            opt("谈话方式", &["方式", "形式", "谈话形式"]).choose(TalkMode::LABELS, Enforce::Stop),
            opt("主要内容", &["谈话内容", "意见建议", "谈话要点", "谈心内容", "谈话记录"]).long(),
        ],
    },
    KindSpec {
        kind: SheetKind::Problems,
        label: "查摆问题清单",
        sheet_aliases: &["查摆问题清单", "问题清单", "查摆问题"],
        columns: &[
            req("编号", &["问题编号", "序号"]).hint("本表内不重复，如 P1、P2"),
            req("责任主体", &["查摆对象", "责任人"]).hint("填“支部班子”或党员姓名（与花名册一致）"),
            opt("问题类别", &["类别", "方面"]),
            req("问题描述", &["问题", "存在问题", "具体问题", "问题表现"]).long(),
            req("查摆日期", &["日期"]).date().hint("如 2024-07-20"),
        ],
    },
    KindSpec {
        kind: SheetKind::Rectifications,
        label: "整改项目清单",
        sheet_aliases: &["整改项目清单", "整改清单", "整改台账", "整改项目"],
        columns: &[
            req("编号", &["整改编号"]).hint("本表内不重复，如 R1、R2"),
            req("问题编号", &["对应问题编号", "对应问题"]).hint("对应查摆问题清单的编号，多个用“、”分隔"),
            req("整改事项", &["整改内容"]).long(),
            req("整改措施", &["具体措施"]).long(),
            req("责任人", &["整改责任人", "责任领导"]).hint("党员姓名，或“支部班子”"),
            req("整改时限", &["完成时限", "时限", "完成时间节点"]).hint("填日期（如 2024-09-30），或“立行立改”“长期坚持”“X月底前”"),
        ],
    },
    KindSpec {
        kind: SheetKind::Results,
        label: "落实结果清单",
        sheet_aliases: &["落实结果清单", "落实清单", "整改落实情况", "落实结果"],
        columns: &[
            req("整改编号", &["编号", "对应整改编号"]).hint("对应整改项目清单的编号"),
            req("完成情况", &["落实情况", "状态", "整改进展"]).choose(ResultStatus::LABELS, Enforce::Stop),
            opt("完成日期", &["完成时间"]).date().hint("完成情况为“已完成”的必须填写，如 2024-08-30"),
            opt("是否公示", &["公示"]).choose(YES_NO, Enforce::Stop),
        ],
    },
    KindSpec {
        kind: SheetKind::Committee,
        label: "委员分工",
        sheet_aliases: &[
            "委员分工",
            "支部委员分工",
            "支委分工",
            "班子分工",
            "班子成员分工",
            "支委会成员",
            "支部委员名单",
        ],
        columns: &[
            req("姓名", &["委员姓名"]),
            req("职务", &["党内职务", "支部职务", "委员职务"]).choose(Role::LABELS, Enforce::Stop),
            opt("分工", &["分管工作", "工作分工", "职责分工", "分工情况"]).long(),
        ],
    },
    KindSpec {
        kind: SheetKind::Evaluation,
        label: "民主评议",
        sheet_aliases: &[
            "民主评议",
            "民主评议党员",
            "评议结果",
            "民主评议结果",
            "民主评议党员结果",
            "民主评议党员情况",
            "民主评议情况",
        ],
        columns: &[
            req("姓名", &["党员姓名"]),
            opt("党员类别", &["人员类别(正式/预备)", "党员身份"])
                .by_value(&["人员类别", "党籍状态", "政治面貌"])
                .choose(MemberCategory::LABELS, Enforce::Stop),
            opt("评定等次", &["评议等次", "评议结果", "测评等次", "等次", "评定结果"])
                .choose_from_campaign(CampaignList::Grades)
                .hint("从下拉中选；预备党员参加评议、不评定等次，空着"),
            opt("优秀票", &["优秀票数"]).count(),
            opt("合格票", &["合格票数"]).count(),
            opt("基本合格票", &["基本合格票数"]).count(),
            opt("不合格票", &["不合格票数"]).count(),
            req("评议日期", &["评议时间", "测评日期"]).date().hint("如 2026-01-15"),
            opt("告知日期", &["反馈日期", "通报本人日期", "告知时间"]).date()
                .hint("评议结果告知党员本人的日期"),
            opt("处理情况", &["组织处置", "处置情况", "处置意见", "处理意见"]).long()
                .hint("评为不合格、基本合格的必须填写组织处置或帮教措施"),
        ],
    },
];

/// The kind a sheet name (the standard one or an alias, as `required_sheets` writes it) names.
pub fn kind_named(name: &str) -> Option<SheetKind> {
    let folded = crate::text::fold_header(name);
    SPECS
        .iter()
        .find(|s| s.label == folded || s.sheet_aliases.contains(&folded.as_str()))
        .map(|s| s.kind)
}

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
