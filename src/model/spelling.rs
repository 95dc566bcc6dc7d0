//! The many ways branches write the values of a closed vocabulary (SPEC §3, DOMAIN.md §1–2),
//! mapped to the model's types. `None` means "names none of them": the caller raises D003.

use crate::model::vocab::{
    Category, Gender, MeetingKind, MemberCategory, Rank, ResultStatus, Role, Special, TalkMode,
    TalkTarget,
};
use std::borrow::Cow;

use crate::text::nfkc;

fn key(s: &str) -> Cow<'_, str> {
    match nfkc(s) {
        Cow::Borrowed(b) if !b.contains(char::is_whitespace) => Cow::Borrowed(b),
        folded => Cow::Owned(folded.chars().filter(|c| !c.is_whitespace()).collect()),
    }
}

pub fn category(s: &str) -> Option<Category> {
    let k = key(s);
    Some(match k.as_ref() {
        "村" | "农村" | "行政村" | "村级" => Category::Village,
        "社区" | "城市社区" | "街道社区" | "居委会" => Category::Community,
        "机关" | "党政机关" | "机关单位" | "行政机关" => Category::Organ,
        "事业单位" | "事业" | "学校" | "医院" | "其他事业单位" => {
            Category::Institution
        }
        "非公企业" | "非公有制企业" | "民营企业" | "私营企业" | "非公" | "企业" => {
            Category::PrivateFirm
        }
        "社会组织" | "社会团体" | "民办非企业单位" | "社团" | "协会" => {
            Category::SocialOrg
        }
        _ => return None,
    })
}

/// 是/否 and its usual spellings (DOMAIN.md §4.6).
pub fn yes_no(s: &str) -> Option<bool> {
    match key(s).to_lowercase().as_str() {
        "是" | "√" | "✓" | "✔" | "1" | "y" | "yes" | "有" | "true" | "对" | "设" | "已设" => {
            Some(true)
        }
        "否" | "×" | "✗" | "✘" | "x" | "0" | "n" | "no" | "false" | "不是" | "未设" | "不设"
        | "没有" => Some(false),
        _ => None,
    }
}

/// 是否点评: besides 是/否, a column that holds the comment itself means it was commented.
pub fn commented(s: &str) -> Option<bool> {
    yes_no(s).or_else(|| {
        let k = key(s);
        if k.starts_with('未') || k.starts_with('没') {
            Some(false)
        } else if k.contains("点评") || k.chars().count() > 2 {
            Some(true)
        } else {
            None
        }
    })
}

pub fn gender(s: &str) -> Option<Gender> {
    match key(s).as_ref() {
        "男" | "男性" | "M" | "m" => Some(Gender::Male),
        "女" | "女性" | "F" | "f" => Some(Gender::Female),
        _ => None,
    }
}

pub fn member_category(s: &str) -> Option<MemberCategory> {
    match key(s).as_ref() {
        "正式党员" | "正式" | "中共党员" | "党员" | "正" => Some(MemberCategory::Full),
        "预备党员" | "预备" | "中共预备党员" | "预" => {
            Some(MemberCategory::Probationary)
        }
        _ => None,
    }
}

fn one_role(s: &str) -> Option<Role> {
    let k = key(s);
    Some(match k.as_ref() {
        "书记" | "支书" | "支部书记" | "党支部书记" | "第一书记" | "总支书记" | "党总支书记" => {
            Role::Secretary
        }
        "副书记" | "支部副书记" | "党支部副书记" => Role::DeputySecretary,
        "组织委员" => Role::Organisation,
        "宣传委员" => Role::Propaganda,
        "纪检委员" | "纪律检查委员" => Role::Discipline,
        "青年委员" => Role::Youth,
        "委员" | "支委" | "支部委员" | "支委委员" => Role::Committee,
        "党员" | "普通党员" | "党小组长" | "无" | "预备党员" | "正式党员" => {
            Role::Member
        }
        _ if k.ends_with("委员") => Role::Committee,
        _ => return None,
    })
}

/// 党内职务: `书记、主任` or `党支部书记兼村委会主任` hold several titles; the highest party
/// role among them counts, and non-party titles (主任) are ignored when a party one is there.
pub fn role(s: &str) -> Option<Role> {
    nfkc(s)
        .split(['、', ',', '/', ';', '兼', ' ', '\n'])
        .filter_map(one_role)
        .min()
}

/// One piece of a 特殊情况 cell: `Some(None)` for a piece that says "nothing special".
pub fn special(s: &str) -> Option<Option<Special>> {
    Some(Some(match key(s).as_ref() {
        "流动党员" | "流动" | "外出务工" | "外出经商" | "外出" | "长期外出" | "外出务工党员" => {
            Special::Migrant
        }
        "困难党员" | "困难" | "生活困难党员" | "生活困难" => Special::Hardship,
        "年老体弱党员" | "年老体弱" | "老党员" | "行动不便" | "行动不便党员" | "年老" | "体弱" => {
            Special::Elderly
        }
        "否" | "正常" | "在家" | "在岗" | "无" => return Some(None),
        _ => return None,
    }))
}

/// Whether a value is one a column of that name holds (for headers that name a field only by
/// its values, `schema::Column::by_value`). Columns with no vocabulary take anything.
pub fn fits_column(field: &str, s: &str) -> bool {
    match field {
        "党员类别" => member_category(s).is_some(),
        "党内职务" => role(s).is_some(),
        "对象类别" => talk_target(s).is_some(),
        "特殊情况" => crate::text::split_values(s)
            .iter()
            .all(|piece| special(piece).is_some()),
        _ => true,
    }
}

/// One meeting type. Longer names are matched by what they contain (`支部党员大会`,
/// `党员大会（专题组织生活会）`), most specific first.
pub fn meeting_kind(s: &str) -> Option<MeetingKind> {
    let k = key(s);
    let has = |p: &str| k.contains(p);
    Some(if has("党员大会") || has("支部大会") {
        MeetingKind::General
    } else if has("支委") || has("支部委员会") {
        MeetingKind::Committee
    } else if has("党小组") {
        MeetingKind::Group
    } else if has("党课") {
        MeetingKind::PartyLecture
    } else if has("主题党日") || has("党日") {
        MeetingKind::ThemeDay
    } else if has("集中学习") || k == "学习" || has("理论学习") || has("学习会") {
        MeetingKind::Study
    } else {
        return None;
    })
}

pub fn talk_target(s: &str) -> Option<TalkTarget> {
    let k = key(s);
    Some(match k.as_ref() {
        "班子成员" | "支委" | "支部委员" | "委员" | "班子" | "支委成员" | "支部班子成员" => {
            TalkTarget::Committee
        }
        "党员" | "普通党员" | "正式党员" | "预备党员" => TalkTarget::Member,
        "流动党员" => TalkTarget::Migrant,
        "困难党员" | "生活困难党员" => TalkTarget::Hardship,
        "年老体弱党员" | "年老体弱" | "老党员" => TalkTarget::Elderly,
        "群众" | "村民" | "居民" | "群众代表" | "村民代表" | "居民代表" => {
            TalkTarget::Masses
        }
        "服务对象" => TalkTarget::Served,
        _ if k.contains("服务对象") => TalkTarget::Served,
        _ if k.contains("群众") || k.contains("村民") || k.contains("居民") => {
            TalkTarget::Masses
        }
        // 谈话类型 of talk ledgers: `党支部委员之间`, `党支部委员和党员之间` (the partner is
        // the last named).
        _ if k.ends_with("之间") && k.contains("党员") => TalkTarget::Member,
        _ if k.ends_with("之间") && (k.contains("委员") || k.contains("班子")) => {
            TalkTarget::Committee
        }
        _ => return None,
    })
}

pub fn talk_mode(s: &str) -> Option<TalkMode> {
    Some(match key(s).as_ref() {
        "面谈" | "当面" | "面对面" | "个别谈话" | "集体谈话" | "座谈" | "当面谈" | "组织约谈" => {
            TalkMode::InPerson
        }
        "电话" | "电话谈话" | "打电话" => TalkMode::Phone,
        "视频" | "视频通话" | "视频谈话" => TalkMode::Video,
        "上门走访" | "走访" | "入户" | "入户走访" | "上门" => TalkMode::HomeVisit,
        _ => return None,
    })
}

pub fn result_status(s: &str) -> Option<ResultStatus> {
    Some(match key(s).as_ref() {
        "已完成" | "已整改" | "已销号" | "完成" | "已办结" => ResultStatus::Done,
        "基本完成" => ResultStatus::MostlyDone,
        "推进中" | "正在整改" | "整改中" | "进行中" | "正在推进" => {
            ResultStatus::InProgress
        }
        "长期坚持" | "持续整改" | "长期" => ResultStatus::Ongoing,
        "未完成" | "未整改" => ResultStatus::NotDone,
        _ => return None,
    })
}

/// A rank text on the ladder of SPEC §3.3, with the equivalents real registers use.
/// A bare office (镇党委委员, 副镇长) is mapped as SPEC §3.3 lists; anything else is `None`,
/// never a guess.
pub fn rank(s: &str) -> Option<Rank> {
    let k = key(s);
    let k = k.trim_start_matches("享受").trim_end_matches("待遇");
    Some(match k {
        "办事员" | "二级科员" => Rank::Clerk,
        "科员" | "一级科员" => Rank::StaffMember,
        "副科级" | "副科" | "副科长" | "副镇长" | "镇党委委员" | "四级主任科员"
        | "三级主任科员" | "副主任科员" | "乡科级副职" | "副乡长" | "八级职员" => {
            Rank::DeputySection
        }
        "正科级" | "正科" | "科长" | "镇长" | "镇党委书记" | "二级主任科员" | "一级主任科员"
        | "主任科员" | "乡科级正职" | "乡长" | "七级职员" => Rank::Section,
        "副处级" | "副处" | "副县级" | "县处级副职" | "三级调研员" | "四级调研员" | "副调研员"
        | "六级职员" => Rank::DeputyDivision,
        "正处级" | "正处" | "正县级" | "县处级正职" | "一级调研员" | "二级调研员" | "调研员"
        | "五级职员" => Rank::Division,
        "副厅级" | "副厅" | "副局级" | "厅局级副职" | "二级巡视员" | "副巡视员" | "四级职员" => {
            Rank::DeputyBureau
        }
        "正厅级" | "正厅" | "正局级" | "厅局级正职" | "一级巡视员" | "巡视员" | "三级职员" => {
            Rank::Bureau
        }
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranks_read_through_their_equivalents() {
        assert_eq!(rank("副科"), Some(Rank::DeputySection));
        assert_eq!(rank("副镇长"), Some(Rank::DeputySection));
        assert_eq!(rank("镇党委委员"), Some(Rank::DeputySection));
        assert_eq!(rank("四级主任科员"), Some(Rank::DeputySection));
        assert_eq!(rank("三级主任科员"), Some(Rank::DeputySection));
        assert_eq!(rank("二级主任科员"), Some(Rank::Section));
        assert_eq!(rank("一级主任科员"), Some(Rank::Section));
        assert_eq!(rank("镇党委书记"), Some(Rank::Section));
        assert_eq!(rank("科长"), Some(Rank::Section));
        assert_eq!(rank("一级科员"), Some(Rank::StaffMember));
        assert_eq!(rank("享受副科级待遇"), Some(Rank::DeputySection));
        assert_eq!(rank("正 科 级"), Some(Rank::Section));
        assert!(Rank::DeputySection < Rank::Section && Rank::StaffMember < Rank::DeputySection);
        assert_eq!(rank("股级"), None);
        assert_eq!(rank("高级"), None);
    }

    #[test]
    fn roles_follow_spec_mapping() {
        assert_eq!(role("支书"), Some(Role::Secretary));
        assert_eq!(role("第一书记"), Some(Role::Secretary));
        assert_eq!(role("书记、主任"), Some(Role::Secretary));
        assert_eq!(role("党支部书记兼村委会主任"), Some(Role::Secretary));
        assert_eq!(role("统战委员"), Some(Role::Committee));
        assert_eq!(role("保密委员"), Some(Role::Committee));
        assert_eq!(role("党小组长"), Some(Role::Member));
        assert_eq!(role("村会计"), None);
    }

    #[test]
    fn meeting_kinds_by_containment() {
        assert_eq!(meeting_kind("支部党员大会"), Some(MeetingKind::General));
        assert_eq!(meeting_kind("支部委员会"), Some(MeetingKind::Committee));
        assert_eq!(meeting_kind("支委会议"), Some(MeetingKind::Committee));
        assert_eq!(meeting_kind("主题党日活动"), Some(MeetingKind::ThemeDay));
        assert_eq!(meeting_kind("第一党小组会"), Some(MeetingKind::Group));
        assert_eq!(meeting_kind("组织生活会"), None);
        assert_eq!(meeting_kind("民主生活会"), None);
    }

    #[test]
    fn talk_ledgers_name_the_relation() {
        // 谈话类型 of a talk ledger (tests/fixtures/SOURCES.md, taizhang 谈心谈话台账).
        assert_eq!(talk_target("党支部委员之间"), Some(TalkTarget::Committee));
        assert_eq!(
            talk_target("党支部委员和党员之间"),
            Some(TalkTarget::Member)
        );
        assert_eq!(
            talk_target("党支部委员、党员和群众之间"),
            Some(TalkTarget::Masses)
        );
        assert_eq!(talk_target("上下级之间"), None);
        // Columns whose values decide their field.
        assert!(fits_column("对象类别", "党支部委员之间"));
        assert!(fits_column("党员类别", "预备党员"));
        assert!(!fits_column("党员类别", "离退"));
        assert!(fits_column("特殊情况", "流动党员、困难党员"));
        assert!(!fits_column("特殊情况", "在职"));
    }

    #[test]
    fn special_pieces_and_results() {
        assert_eq!(special("外出务工"), Some(Some(Special::Migrant)));
        assert_eq!(special("年老体弱"), Some(Some(Special::Elderly)));
        assert_eq!(special("正常"), Some(None));
        assert_eq!(special("失联党员"), None);
        assert_eq!(result_status("已销号"), Some(ResultStatus::Done));
        assert_eq!(result_status("整改中"), Some(ResultStatus::InProgress));
        assert_eq!(talk_target("村民代表（5人）"), Some(TalkTarget::Masses));
        assert_eq!(talk_mode("微信"), None);
        assert_eq!(yes_no("√"), Some(true));
        assert_eq!(commented("周书记作了点评"), Some(true));
        assert_eq!(commented(""), None);
    }
}
