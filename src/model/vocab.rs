//! The closed vocabularies of SPEC §3: each value as a type, with its standard Chinese label.
//! Reading the many ways branches write them is `model::spelling`.

macro_rules! vocab {
    ($(#[$doc:meta])* $name:ident { $($variant:ident => $label:literal),+ $(,)? }) => {
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum $name { $($variant),+ }
        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];
            /// The standard labels, in [`Self::ALL`]'s order.
            pub const LABELS: &'static [&'static str] = &[$($label),+];
            pub fn label(self) -> &'static str {
                match self { $($name::$variant => $label),+ }
            }
        }
        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.label())
            }
        }
    };
}

vocab!(
    /// 支部类别
    Category { Village => "村", Community => "社区", Organ => "机关", Institution => "事业单位",
               PrivateFirm => "非公企业", SocialOrg => "社会组织" }
);

vocab!(
    /// 性别
    Gender { Male => "男", Female => "女" }
);

vocab!(
    /// 党员类别
    MemberCategory { Full => "正式党员", Probationary => "预备党员" }
);

vocab!(
    /// 党内职务, highest first. Everyone but 党员 is a branch committee member (班子成员).
    Role { Secretary => "书记", DeputySecretary => "副书记", Organisation => "组织委员",
           Propaganda => "宣传委员", Discipline => "纪检委员", Youth => "青年委员",
           Committee => "委员", Member => "党员" }
);

impl Role {
    pub fn is_committee(self) -> bool {
        self != Role::Member
    }
}

vocab!(
    /// 特殊情况: members the notice asks to be sought out for a talk.
    Special { Migrant => "流动党员", Hardship => "困难党员", Elderly => "年老体弱党员" }
);

vocab!(
    /// 会议类型. `Other` keeps a row whose type names none of these (it counts for no phase).
    MeetingKind { Study => "集中学习", ThemeDay => "主题党日", PartyLecture => "党课",
                  Committee => "支委会", General => "党员大会", Group => "党小组会",
                  Other => "其他" }
);

impl MeetingKind {
    /// The types a branch writes: every label but 其他 (the last).
    pub const WRITTEN: &'static [&'static str] = MeetingKind::LABELS
        .split_at(MeetingKind::LABELS.len() - 1)
        .0;
}

/// 是/否 as the template offers them.
pub const YES_NO: &[&str] = &["是", "否"];

vocab!(
    /// 谈话对象类别
    TalkTarget { Committee => "班子成员", Member => "党员", Migrant => "流动党员",
                 Hardship => "困难党员", Elderly => "年老体弱党员", Masses => "群众",
                 Served => "服务对象" }
);

impl TalkTarget {
    /// Talks with these solicit opinions from the masses (C004), and their partners are not
    /// expected on any roster (no D011).
    pub fn is_public(self) -> bool {
        matches!(self, TalkTarget::Masses | TalkTarget::Served)
    }
}

vocab!(
    /// 谈话方式
    TalkMode { InPerson => "面谈", Phone => "电话", Video => "视频", HomeVisit => "上门走访" }
);

vocab!(
    /// 完成情况 of a 落实结果
    ResultStatus { Done => "已完成", MostlyDone => "基本完成", InProgress => "推进中",
                   Ongoing => "长期坚持", NotDone => "未完成" }
);

vocab!(
    /// The rank ladder of SPEC §3.3, low to high; `Ord` follows the ladder.
    Rank { Clerk => "办事员", StaffMember => "科员", DeputySection => "副科级",
           Section => "正科级", DeputyDivision => "副处级", Division => "正处级",
           DeputyBureau => "副厅级", Bureau => "正厅级" }
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_follow_the_variants() {
        assert_eq!(
            Category::LABELS,
            Category::ALL.iter().map(|c| c.label()).collect::<Vec<_>>()
        );
        assert_eq!(Rank::LABELS.first(), Some(&"办事员"));
        assert_eq!(MeetingKind::WRITTEN.len(), MeetingKind::ALL.len() - 1);
        assert!(!MeetingKind::WRITTEN.contains(&MeetingKind::Other.label()));
    }
}
