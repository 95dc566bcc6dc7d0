//! One compliant village branch (青林镇红星村党支部, 4 members, a 支委会) and its register, as
//! CSV text: `rules.rs` writes it as files and edits it per case, `template.rs` types it into
//! the templates. At `--as-of 2024-09-10` it raises no finding at all.

pub const REGISTER: &str = "支部名称,支部类别,设支委会,党员人数\n青林镇红星村党支部,村,是,4\n";
pub const LEADERS: &str = "姓名,职务,职级,镇党委班子成员,所在支部\n周建国,镇党委书记,正科级,是,\n";
pub const INFO: &str = "支部名称,填报日期,公示日期,公示范围,备案日期\n红星村党支部,2024-08-22,2024-08-20,村务公开栏,2024-08-22\n";
pub const ROSTER: &str = "姓名,性别,出生日期,党内职务,特殊情况,党小组,身份证号\n\
李明,男,1972-03-15,书记,,,420682197203150314\n\
王芳,女,1980-11-02,组织委员,,,420682198011020421\n\
张强,男,1991-04-17,党员,流动党员,,420682199104170757\n\
赵丽,女,1968-05-21,党员,,,420682196805210260\n";
pub const MEETINGS: &str = "会议类型,会议日期,主持人,参会人员,学习内容,督导人员,督导人员职级,派出单位,是否点评\n\
集中学习,2024-07-10,李明,李明、王芳、赵丽,学习六中全会精神、全面从严治党决定、讲认真行动方案、把认真二字刻入灵魂,,,,\n\
支委会,2024-08-03,李明,李明、王芳,班子成员开展批评和自我批评,周建国,正科级,青林镇党委,是\n\
党员大会,2024-08-12,李明,李明、王芳、张强、赵丽,通报整改落实情况；通报支委会上班子查摆问题情况；党员之间开展批评和自我批评,周建国,正科级,青林镇党委,是\n";
pub const TALKS: &str = "谈话日期,谈话人,谈话对象,对象类别,谈话方式,主要内容\n\
2024-07-15,李明,王芳,班子成员,面谈,交流\n\
2024-07-16,李明,张强,流动党员,电话,交流\n\
2024-07-17,王芳,赵丽,党员,面谈,交流\n\
2024-07-18,李明,村民代表,群众,上门走访,征求意见\n";
pub const PROBLEMS: &str = "编号,责任主体,问题描述,查摆日期\n\
P1,支部班子,学习不够深入,2024-07-20\n\
P2,李明,带头作用不够,2024-07-21\n\
P3,王芳,工作不够细致,2024-07-22\n\
P4,张强,参加组织生活少,2024-07-23\n\
P5,赵丽,学习不够主动,2024-07-25\n";
pub const RECTS: &str = "编号,问题编号,整改事项,整改措施,责任人,整改时限\n\
R1,P1,加强学习,每月集中学习,李明,2024-09-30\n\
R2,P2,发挥带头作用,带头讲党课,李明,立行立改\n\
R3,P3,提高工作质量,建立台账,王芳,长期坚持\n\
R4,P4,按时参加组织生活,线上参加,张强,2024-08-31\n\
R5,P5,主动学习,每周自学,赵丽,9月底前\n";
pub const RESULTS: &str = "整改编号,完成情况,完成日期,是否公示\n\
R1,已完成,2024-08-30,是\n\
R2,已完成,2024-08-20,是\n\
R3,长期坚持,,是\n\
R4,已完成,2024-08-25,是\n\
R5,推进中,,\n";

/// An annual 组织生活会和民主评议党员 over the same dates (SPEC §7): study, talks, 支委会,
/// 党员大会 and 民主评议, no three lists; 组织生活会 counts as 党员大会. The base branch
/// without its three lists, plus [`ANNUAL_EVALUATION`], raises nothing under it.
pub const ANNUAL_CONFIG: &str = r#"
name = "年度组织生活会和民主评议党员"
year = 2024
start = "2024-07-01"
end = "2024-09-30"
required_sheets = ["基本情况", "党员花名册", "会议记录", "谈心谈话记录", "民主评议"]

[meeting_aliases]
"组织生活会" = "党员大会"

[[steps]]
kind = "study"
name = "深化学习"
deadline = "2024-07-31"

[[steps]]
kind = "talks"
name = "谈心谈话"
deadline = "2024-07-31"

[[steps]]
kind = "committee"
name = "召开支委会"
deadline = "2024-08-07"

[[steps]]
kind = "general"
name = "召开组织生活会"
deadline = "2024-08-15"

[[steps]]
kind = "evaluation"
name = "民主评议党员"
deadline = "2024-08-31"
"#;

/// The base branch's 民主评议: every member graded and told, 优秀 within 1/3.
pub const ANNUAL_EVALUATION: &str = "姓名,党员类别,评定等次,评议日期,告知日期,处理情况\n\
李明,正式党员,优秀,2024-08-12,2024-08-13,\n\
王芳,正式党员,合格,2024-08-12,2024-08-13,\n\
张强,正式党员,合格,2024-08-12,2024-08-13,\n\
赵丽,正式党员,合格,2024-08-12,2024-08-13,\n";

/// Writes the base branch as CSV returns under `dir` for the annual campaign (no three
/// lists), with `evaluation` as its 民主评议, and the campaign beside them as `config`
/// (outside `dir`). Returns the config's path.
pub fn write_annual_town(
    dir: &std::path::Path,
    evaluation: &str,
    config: &std::path::Path,
) -> std::path::PathBuf {
    for (p, c) in [
        ("名册/支部名册.csv", REGISTER),
        ("名册/督导人员.csv", LEADERS),
        ("红星村/基本情况.csv", INFO),
        ("红星村/党员花名册.csv", ROSTER),
        ("红星村/会议记录.csv", MEETINGS),
        ("红星村/谈心谈话记录.csv", TALKS),
        ("红星村/民主评议.csv", evaluation),
    ] {
        let path = dir.join(p);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, c).unwrap();
    }
    std::fs::write(config, ANNUAL_CONFIG).unwrap();
    config.to_path_buf()
}
