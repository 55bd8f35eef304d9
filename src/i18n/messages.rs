use lianjie_core::Locale;

/// Declares every UI string once, with its Chinese and English text side by side.
macro_rules! messages {
    ($($key:ident => $zh:literal, $en:literal;)*) => {
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        pub enum Msg { $($key,)* }

        impl Msg {
            pub const ALL: &'static [Msg] = &[$(Msg::$key,)*];

            pub fn text(self, locale: Locale) -> &'static str {
                match (self, locale) {
                    $(
                        (Msg::$key, Locale::ZhCn) => $zh,
                        (Msg::$key, Locale::En) => $en,
                    )*
                }
            }
        }
    };
}

messages! {
    AppName => "连接", "Lianjie";
    AppTagline => "社交化客户管理", "Social CRM";
    SkipToContent => "跳到主要内容", "Skip to main content";
    MainNavigation => "主导航", "Main navigation";
    Language => "语言", "Language";
    LanguageName => "中文", "English";
    Loading => "加载中…", "Loading…";
    Retry => "重试", "Retry";
    Undo => "撤销", "Undo";
    Dismiss => "关闭", "Dismiss";
    Notifications => "通知", "Notifications";

    NavDashboard => "工作台", "Dashboard";
    NavMyCard => "我的名片", "My card";
    NavContent => "内容库", "Content library";
    NavRadar => "线索雷达", "Lead radar";
    NavInbox => "收件箱", "Inbox";
    NavSettings => "设置", "Settings";

    DashboardIntro => "今天从哪里开始？", "Where would you like to start today?";
    MyCardIntro => "编辑你的智能名片，并分享到客户聊天中。", "Edit your smart business card and share it into customer chats.";
    ContentIntro => "文章、海报、视频与文档：分享给客户，并了解谁读了什么。", "Articles, posters, videos and documents: share them and learn who read what.";
    RadarIntro => "客户正在阅读什么、读了多久、对什么感兴趣。", "What customers are reading, for how long, and what they care about.";
    InboxIntro => "所有渠道的客户消息，集中在一处回复。", "Every channel's customer messages, answered in one place.";
    SettingsIntro => "你的账号、语言、后端连接与演示数据。", "Your account, language, backend connection and demo data.";

    CardPageTitle => "名片", "Business card";
    SharePageTitle => "分享内容", "Shared content";
    ChatPageTitle => "在线咨询", "Chat with us";
    ShareAction => "分享", "Share";
    CopyLink => "复制链接", "Copy link";
    LinkCopied => "链接已复制。", "Link copied.";
    CopyFailed => "无法复制，请长按链接手动复制。", "Could not copy; select the link and copy it by hand.";
    SharedBy => "分享人", "Shared by";
    MessageMe => "给我留言", "Message me";
    TrackingNotice => "本页面会记录浏览与阅读时长，用于为你提供更好的服务。", "This page records viewing and reading time so we can serve you better.";

    NotFoundTitle => "页面不存在", "Page not found";
    NotFoundBody => "你要找的页面不存在或已被移除。", "The page you are looking for does not exist or has moved.";
    BackToDashboard => "返回工作台", "Back to dashboard";

    ErrorTitle => "出错了", "Something went wrong";
    ErrNotFound => "找不到这个链接，它可能已失效。", "This link was not found; it may have expired.";
    ErrNetwork => "网络连接失败，请检查网络后重试。", "Could not reach the server. Check your connection and try again.";
    ErrDecode => "服务器返回了无法识别的数据。", "The server sent a response we could not read.";
    StorageRecovered => "部分本地数据无法读取，已另存一份（没有删除），其余数据照常加载。", "Some local data could not be read; it was kept aside (not deleted) and everything else loaded.";
    StorageUnavailable => "浏览器禁止了本地存储，数据只保留到关闭此页。", "This browser blocks local storage; data lasts only until this page closes.";
    Backend => "后端", "Backend";
    BackendLocal => "浏览器内（演示数据）", "In this browser (demo data)";
    ResetDemo => "恢复演示数据", "Reset demo data";
    ResetDemoHint => "清除本浏览器中的全部更改，恢复初始演示数据。", "Discard every change made in this browser and restore the initial demo data.";
    ScaleDemo => "载入示例会话", "Load sample conversations";
    ScaleDemoHint => "用大量会话试用收件箱：每个会话 10 条消息，10,000 个会话即 100,000 条消息（替换现有数据）。", "Try the inbox at scale: 10 messages per conversation, so 10,000 conversations make 100,000 messages (replaces the current data).";
    SampleConversations => "示例会话数", "Sample conversations";
    ScaleRange => "请输入 1 到 {max} 之间的整数。", "Enter a whole number from 1 to {max}.";
    ResetDone => "演示数据已恢复。", "Demo data restored.";
    StatContacts => "客户", "Contacts";
    StatContent => "内容", "Content items";
    StatOpenConversations => "待处理会话", "Open conversations";
    StatViews => "浏览记录", "Tracked views";
    Summary => "概览", "Summary";
    SearchContent => "搜索内容", "Search content";
    FilterKind => "类型", "Kind";
    FilterTag => "标签", "Tag";
    AllKinds => "全部类型", "All kinds";
    AllTags => "全部标签", "All tags";
    NoMatches => "没有符合条件的内容。", "No content matches these filters.";
    Popular => "热门内容", "Popular content";
    RankBy => "排序依据", "Rank by";
    RankMostRead => "阅读最多", "Most read";
    RankLongestRead => "读得最久", "Longest read";
    RankMostForwarded => "转发最多", "Most forwarded";
    OpensN => "{n} 次打开", "{n} opens";
    ForwardsN => "{n} 次转发阅读", "{n} reads from forwards";
    AnalyticsAction => "数据", "Analytics";
    AnalyticsOf => "数据：{title}", "Analytics: {title}";
    AnalyticsTitle => "内容数据", "Content analytics";
    StatOpens => "打开次数", "Opens";
    StatUniqueReaders => "独立读者", "Unique readers";
    StatAvgRead => "平均阅读时长", "Average read";
    StatMedianRead => "阅读时长中位数", "Median read";
    StatCompletion => "读完率", "Read to the end";
    StatForwards => "转发带来的阅读", "Reads from forwards";
    SectionHeat => "段落热度", "Section heat";
    SectionHeatIntro => "每一段吸引了多少注意力：所有读者在这一段上的停留时长合计。", "How much attention each section held: all readers' time on it, added up.";
    SectionViewsN => "{n} 位读者停留", "{n} readers lingered";
    NotReadYet => "还没有人读过。分享出去，读者打开后这里就有数据。", "Nobody has read this yet. Share it; figures appear here once readers open it.";
    LeadTitle => "留下联系方式", "Leave your details";
    LeadIntro => "留下联系方式，顾问会给你发送更多资料并解答问题。", "Leave your details and the adviser will send you more and answer your questions.";
    LeadGateIntro => "阅读全文前，请留下联系方式。", "Please leave your details to read on.";
    LeadName => "姓名", "Name";
    LeadPhone => "手机号", "Phone";
    LeadWechat => "微信号", "WeChat ID";
    LeadSubmit => "提交", "Send";
    LeadSkip => "暂不填写", "Not now";
    LeadThanks => "谢谢！顾问会尽快联系你。", "Thank you! The adviser will be in touch soon.";
    LeadNeedsContact => "请至少留下一种联系方式：手机、微信或邮箱。", "Leave at least one way to reach you: phone, WeChat or email.";
    ProblemRequired => "必填", "Required";
    ProblemTooLong => "太长了", "Too long";
    ProblemPhone => "不是有效的电话号码", "Not a phone number";
    ProblemEmail => "不是有效的邮箱地址", "Not an email address";
    ProblemUrl => "不是有效的网址", "Not a web address";
    ProblemRange => "取值无效", "Not a valid value";
    ProblemTaken => "已被使用", "Already in use";
    ProblemInUse => "仍在使用中", "Still in use";
    LinkOptions => "链接选项", "Link options";
    ForContact => "发给哪位客户", "For contact";
    AnyContact => "不指定", "Anyone";
    ViaChannel => "渠道", "Channel";
    AnyChannel => "不指定", "Not specified";
    AskDetails => "请读者留下联系方式", "Ask for the reader's details";
    AskOff => "不询问", "Don't ask";
    AskBefore => "阅读前", "Before reading";
    AskMidway => "读完第三段后", "After the third section";
    AskSoftEnd => "文末轻提示", "A soft ask at the end";
    ChannelWebChat => "网页聊天", "Web chat";
    ChannelWechat => "微信", "WeChat";
    ChannelWecom => "企业微信", "WeCom";
    ChannelQq => "QQ", "QQ";
    ChannelWeibo => "微博", "Weibo";
    ChannelDouyin => "抖音", "Douyin";
    ChannelSms => "短信", "SMS";
    RadarFilters => "筛选", "Filters";
    HotOnly => "只看高意向", "Hot leads only";
    MineOnly => "只看我的", "Mine only";
    AllContent => "全部内容", "All content";
    IntentN => "意向 {n}", "intent {n}";
    AlertHot => "高意向客户 {name} 正在阅读《{title}》", "Hot lead {name} is reading “{title}” right now";
    AlertReturn => "{name} 第 {n} 次打开《{title}》", "{name} is back: visit {n} to “{title}”";
    NotifyEnable => "开启桌面通知", "Turn on desktop notifications";
    NotifyOn => "桌面通知已开启", "Desktop notifications are on";
    NotifyBlocked => "浏览器已拦截通知，可在浏览器设置中开启。", "The browser blocks notifications; allow them in its settings.";
    ProfileTitle => "客户画像", "Customer profile";
    ProfileIntro => "这位客户读过什么、对什么感兴趣，以及每一次接触。", "What this customer read, what they care about, and every touchpoint.";
    IntentScore => "意向分", "Intent score";
    Interests => "兴趣标签", "Interests";
    NoInterests => "还没有足够的阅读数据。", "Not enough reading yet.";
    Timeline => "接触时间线", "Touchpoint timeline";
    NoTouchpoints => "还没有接触记录。", "No touchpoints yet.";
    TlRead => "阅读《{title}》", "Read “{title}”";
    TlForwarded => "{reader} 阅读了 TA 转发的《{title}》", "{reader} read “{title}”, forwarded by them";
    TlConversation => "{channel} 会话：{preview}", "{channel} conversation: {preview}";
    BackToRadar => "返回线索雷达", "Back to the lead radar";
    NewContent => "新建内容", "New content";
    EditContent => "编辑内容", "Edit content";
    EditAction => "编辑", "Edit";
    EditOf => "编辑：{title}", "Edit: {title}";
    EditorIntro => "内容由段落组成；每段可加兴趣标签，阅读追踪按段统计。", "Content is made of sections; tag them, and reading is measured per section.";
    FieldTitle => "标题", "Title";
    FieldSummary => "摘要", "Short summary";
    FieldTags => "标签（用逗号分隔）", "Tags (comma-separated)";
    FieldCover => "封面图片链接", "Cover image link";
    Sections => "段落", "Sections";
    SectionN => "第 {n} 段：{kind}", "Section {n}: {kind}";
    AddSection => "添加段落", "Add section";
    SectionKind => "段落类型", "Section type";
    MoveUp => "上移", "Move up";
    MoveDown => "下移", "Move down";
    RemoveSection => "删除", "Remove";
    SectionActionN => "{action}第 {n} 段", "{action} section {n}";
    ImportMarkdown => "导入 Markdown", "Import markdown";
    MarkdownSource => "Markdown 原文", "Markdown source";
    ImportAction => "导入为段落", "Add as sections";
    SaveContent => "保存内容", "Save content";
    Saved => "已保存。", "Saved.";
    DraftRestored => "已恢复你上次未保存的修改。", "Your unsaved changes from last time were restored.";
    DiscardDraft => "放弃这些修改", "Discard those changes";
    BlockHeading => "标题", "Heading";
    BlockParagraph => "正文", "Paragraph";
    BlockImage => "图片", "Image";
    BlockQuote => "引用", "Quote";
    BlockList => "列表", "List";
    BlockCta => "行动按钮", "Call to action";
    BlockPage => "文档页", "Document page";
    FLevel => "级别（1-3）", "Level (1-3)";
    FText => "文字", "Text";
    FUrl => "链接", "Link";
    FAlt => "图片说明（读屏用）", "Alt text";
    FCaption => "图注", "Caption";
    FCite => "出处", "Source";
    FOrdered => "编号列表", "Numbered";
    FItems => "列表项（每行一项）", "Items (one per line)";
    FPoster => "封面图链接", "Poster image link";
    FDuration => "时长（秒）", "Duration (seconds)";
    FLabel => "按钮文字", "Button text";
    FImageUrl => "页面图片链接", "Page image link";
    ShareVia => "分享到…", "Share to…";
    QrFor => "扫码打开：{title}", "QR code to open “{title}”";
    ChatPreview => "在聊天中的样子", "How it looks in a chat";
    ForwardTree => "转发链路", "How it spread";
    LinkFor => "发给 {name} 的链接", "Link for {name}";
    OpenLink => "未指定客户的链接", "Link for anyone";
    NodeViews => "{n} 次阅读 · {time}", "{n} views · {time}";
    IntentTrend => "意向趋势", "Intent trend";
    DaysAgo => "{n} 天前", "{n} days ago";
    Today => "今天", "Today";
    ChatIntro => "消息会直接发到顾问的工作台，顾问会尽快回复你。", "Your message goes straight to the adviser's workbench; they will get back to you soon.";
    YourName => "你的称呼（可选）", "Your name (optional)";
    MessageLabel => "消息", "Message";
    SendMessage => "发送消息", "Send message";
    Sending => "发送中…", "Sending…";
    NotSent => "未发送", "Not sent";
    Delivered => "已送达", "Delivered";
    WebVisitor => "网页访客", "Web visitor";
    YourMessages => "你发出的消息", "Your messages";
    BackToLibrary => "返回内容库", "Back to the content library";
    KindArticle => "文章", "Article";
    KindPoster => "海报", "Poster";
    KindVideo => "视频", "Video";
    KindDocument => "文档", "Document";
    RadarEmpty => "还没有客户浏览记录。分享一张名片或一篇内容，客户打开后会实时出现在这里。", "No views yet. Share a card or a piece of content; when a customer opens it, it shows up here live.";
    Anonymous => "匿名读者", "Anonymous reader";
    ViaForward => "转发自", "forwarded by";
    VisitNth => "第 {n} 次", "visit {n}";
    ReadTime => "阅读时长", "Read time";
    Scrolled => "滚动深度", "Scrolled";
    LongestOn => "停留最久", "Longest on";
    ErrUnauthorized => "登录已失效，请重新登录。", "Your session has ended; please sign in again.";
    ErrStorage => "无法保存到此浏览器的存储（可能已满或被禁止），请重试。", "This browser's storage refused to save (it may be full or blocked); please try again.";
    ErrServer => "服务器暂时出错了，请稍后重试。", "The server had a problem; please try again shortly.";
    WrongCredentials => "邮箱或密码不正确。", "Wrong email or password.";
    SignInTitle => "登录", "Sign in";
    SignInIntro => "使用你的员工账号登录。", "Sign in with your staff account.";
    Email => "邮箱", "Email";
    Password => "密码", "Password";
    SignInButton => "登录", "Sign in now";
    BackendHttp => "服务器", "Server";
    ErrInvalid => "有些内容填写不正确，请检查标出的项目。", "Some fields need fixing; check the marked ones.";

    SaveContact => "保存到通讯录", "Save contact";
    CallMe => "打电话", "Call";
    CopyWechat => "复制微信号", "Copy WeChat ID";
    WechatCopied => "微信号已复制，打开微信添加好友即可。", "WeChat ID copied; add me in WeChat.";
    CopyByHand => "无法自动复制，请长按选中微信号后复制。", "Could not copy automatically; press and hold the WeChat ID to copy it.";
    EmailMe => "发邮件", "Email me";
    PhoneOnRequest => "电话号码可通过留言索取", "Phone number on request: message me";
    RequestPhone => "索取电话号码", "Ask for the phone number";
    AskForPhone => "您好，方便告诉我您的电话号码吗？", "Hello, could you send me your phone number?";
    CardActions => "联系我", "Get in touch";
    AboutMe => "关于我", "About me";
    ContactDetails => "联系方式", "Contact details";
    FieldAddress => "地址", "Address";
    FieldWebsite => "网站", "Website";
    FeaturedContent => "精选内容", "Featured content";
    GreetingAlt => "问候图片", "Greeting picture";
    PhotoOf => "{name}的照片", "Photo of {name}";
    LogoOf => "{company}的标志", "{company} logo";
    OpeningFailed => "打开失败，请重试。", "Could not open it; please try again.";

    ActSavedContact => "保存了联系人", "saved the contact";
    ActCalled => "拨打了电话", "called";
    ActCopiedWechat => "复制了微信号", "copied the WeChat ID";
    ActEmailed => "发了邮件", "emailed";
    ActMessaged => "留了言", "sent a message";
    ActOpenedContent => "打开了精选内容", "opened featured content";
    ActForwarded => "转发了", "forwarded it";
    ActLeftDetails => "留下了联系方式", "left their details";

    ErrNoCard => "你的账号没有名片：名片属于销售顾问。", "Your account has no card: cards belong to sales reps.";
    CardAddress => "名片地址：", "Your card's address:";
    CardEditorTitle => "编辑名片", "Edit card";
    FieldName => "姓名", "Full name";
    FieldJobTitle => "职位", "Job title";
    FieldCompany => "公司", "Company";
    FieldAvatar => "头像图片网址", "Photo URL";
    FieldLogo => "公司标志网址", "Company logo URL";
    FieldWechatId => "微信号（选填）", "WeChat ID (optional)";
    FieldIntro => "一句话简介", "Short intro";
    FieldGreeting => "问候视频或图片网址", "Greeting video or image URL";
    PhoneShownTo => "电话号码展示给", "Show my phone number to";
    PhoneEveryone => "所有人", "Everyone";
    PhoneOnlyOnRequest => "仅在客户索取时", "Only on request";
    Theme => "主题", "Theme";
    ThemeJade => "翡翠绿", "Jade";
    ThemeInk => "墨黑", "Ink";
    ThemeCoral => "珊瑚红", "Coral";
    ThemeSlate => "石板蓝", "Slate";
    FeaturedPick => "精选内容（最多 {n} 项，按勾选顺序展示）", "Featured content (up to {n}, shown in the order ticked)";
    SaveCard => "保存名片", "Save card";
    CardPreview => "手机预览", "Phone preview";
    ShareMyCard => "分享名片", "Share my card";
    CardStats => "名片数据", "Card analytics";
    StatCardViews => "浏览次数", "Views";
    StatUniqueViewers => "访客", "Unique viewers";
    StatAvgView => "平均浏览时长", "Average view";
    StatCardForwards => "转发带来的浏览", "Views from forwards";
    ActionsTaken => "访客操作", "What viewers did";
    ActionViewsN => "{n} 次", "{n} views";
    TopViewers => "最关注你的人", "Top viewers";
    ViewerLine => "{views} 次浏览 · {time}", "{views} views · {time}";
    NoCardViews => "还没有人看过你的名片。分享出去，客户打开后这里会实时显示。", "Nobody has viewed your card yet. Share it; views show up here live.";
    ChatWith => "与 {name} 的聊天", "Chat with {name}";
    Conversations => "会话", "Conversations";
    StatusOpen => "待处理", "Open";
    StatusPending => "待客户回复", "Pending";
    StatusSnoozed => "已稍后处理", "Snoozed";
    StatusResolved => "已解决", "Resolved";
    StatusAll => "全部", "All";
    ConversationStatus => "会话状态", "Conversation status";
    Assignee => "负责人 (a)", "Assignee (a)";
    AssignedTo => "分配给", "Assigned to";
    AssigneeAll => "所有人的", "Anyone's";
    AssigneeMine => "我的", "Mine";
    AssigneeUnassigned => "未分配", "Unassigned";
    AllChannels => "全部渠道", "All channels";
    LabelFilter => "标签", "Label";
    SearchConversations => "搜索客户或消息", "Search customers or messages";
    SortBy => "排序", "Sort";
    SortNewest => "最新消息在前", "Newest first";
    SortOldest => "最早消息在前", "Oldest first";
    SortIntent => "高意向在前", "Hot leads first";
    UnreadN => "{n} 条未读", "{n} unread";
    WaitingFor => "已等待 {time}", "waiting {time}";
    NoConversations => "没有符合条件的会话。", "No conversations match.";
    ShowingNofM => "显示 {n} / {total}", "Showing {n} of {total}";
    LoadMore => "加载更多", "Load more";
    PickConversation => "选择左侧的会话开始回复（j/k 上下移动，回车打开）。", "Pick a conversation to reply (j/k to move, Enter to open).";
    MessagesOf => "与 {name} 的消息", "Messages with {name}";
    OlderMessages => "更早的消息", "Older messages";
    ContextCard => "从名片发起", "Started from the card";
    ContextContent => "从内容发起：", "Started from:";
    NoteBadge => "内部备注", "Private note";
    ComposerLabel => "回复内容（输入 / 使用快捷回复，Ctrl+Enter 发送）", "Your reply (type / for canned replies, Ctrl+Enter to send)";
    NoteMode => "写内部备注（客户看不到）", "Write a private note (the customer won't see it)";
    SendReply => "发送回复", "Send reply";
    AddNote => "添加备注", "Add note";
    CannedReplies => "快捷回复", "Canned replies";
    CustomerPanel => "客户", "Customer";
    Shortcuts => "键盘快捷键", "Keyboard shortcuts";
    ShortcutsHelp => "j / k 或 ↑ / ↓：上下移动 · 回车或 r：回复 · n：备注 · /：快捷回复 · e：解决/重开 · s：稍后处理 · a：分配 · l：标签 · Ctrl/⌘+K：命令面板 · ?：显示快捷键", "j / k or ↑ / ↓: move · Enter or r: reply · n: note · /: canned reply · e: resolve or reopen · s: snooze · a: assign · l: labels · Ctrl/⌘+K: command palette · ?: show shortcuts";
    MergeContact => "合并重复联系人", "Merge a duplicate contact";
    MergeSearch => "查找同一个人（姓名、手机、邮箱或账号）", "Find the same person (name, phone, email or handle)";
    MergeInto => "合并到 {name}：{other}", "Merge into {name}: {other}";
    MergeDone => "已将 {other} 合并到 {name}。", "Merged {other} into {name}.";
    MergeUndone => "已撤销合并。", "Merge undone.";
    ProbablySameAs => "可能与 {name} 是同一个人", "Probably the same person as {name}";
    ProbablySameHint => "这位读者留下的手机、微信号或邮箱与该客户相同。信息不会自动写入客户资料：确认后再合并。", "The phone, WeChat ID or email this reader left matches that customer's. Nothing was written into the customer: merge once you are sure.";
    MergeSuggested => "合并", "Merge";
    NotSamePerson => "不是同一个人", "Not the same person";
    NotSamePersonDone => "已记下：不是同一个人。", "Noted: not the same person.";
    AlertSamePerson => "{name} 留下了联系方式：可能与 {other} 是同一个人", "{name} left their details: probably the same person as {other}";
    NoMatchingContacts => "没有匹配的联系人。", "No matching contacts.";
    AttachLink => "附加链接或图片地址", "Attach a link or image address";
    Attach => "附加", "Attach";
    Attachments => "附件", "Attachments";
    RemoveAttachment => "移除附件 {name}", "Remove attachment {name}";
    SoundOnMessage => "新消息提示音", "Sound for new messages";
    CommandPalette => "命令面板", "Command palette";
    CommandPaletteSearch => "输入命令", "Type a command";
    NoCommands => "没有匹配的命令。", "No matching commands.";
    PaletteReply => "回复", "Reply";
    PaletteNote => "添加私密备注", "Add a private note";
    PaletteCanned => "插入快捷回复", "Insert a canned reply";
    PaletteResolve => "解决或重新打开", "Resolve or reopen";
    PaletteSnooze => "稍后处理", "Snooze";
    PaletteAssign => "分配", "Assign";
    PaletteLabel => "编辑标签", "Edit labels";
    PaletteNext => "下一个会话", "Next conversation";
    PalettePrevious => "上一个会话", "Previous conversation";
    PaletteGoTo => "前往", "Go to";
    ReplyFromAdviser => "顾问回复", "Reply from your adviser";
    ConversationActions => "会话操作", "Conversation actions";
    Resolve => "标记已解决 (e)", "Resolve (e)";
    Reopen => "重新打开 (e)", "Reopen (e)";
    Snooze => "稍后处理 (s)", "Snooze (s)";
    SnoozeHour => "1 小时后", "For an hour";
    SnoozeThreeHours => "3 小时后", "For 3 hours";
    SnoozeTomorrow => "明早 9:00", "Until tomorrow 9:00";
    SnoozeNextWeek => "下周一 9:00", "Until Monday 9:00";
    SnoozedUntil => "{time} 提醒", "Snoozed until {time}";
    Labels => "标签 (l)", "Labels (l)";
    SimulatorTitle => "渠道模拟器", "Channel simulator";
    SimulatorIntro => "扮演任意渠道上的客户给收件箱发消息，不需要真实账号。", "Act as a customer on any channel and message the inbox, no real accounts needed.";
    CustomerName => "客户名称", "Customer name";
    SendAsCustomer => "以客户身份发送", "Send as the customer";
    SimulatedChat => "{channel} 上的 {name}", "{name} on {channel}";
    TrySimulator => "没有真实渠道？用渠道模拟器扮演客户", "No real channels? Play a customer with the channel simulator";
    ListSep => "、", ", ";
    CardOf => "{name} 的名片", "{name}'s card";
    OpenAsCustomer => "以客户身份打开", "Open as the customer";

    ErrForbidden => "你的角色不能执行此操作。", "Your role doesn't allow this.";
    ErrUnsupported => "当前后端不提供此功能：密码、登录会话和退出登录需要服务器后端。", "This backend doesn't offer that: passwords, sessions and sign-out need the server backend.";
    TooManyAttempts => "尝试次数过多，请稍后再试。", "Too many attempts; wait a moment and try again.";
    RoleRep => "销售代表", "Sales rep";
    RoleManager => "销售经理", "Sales manager";
    RoleAgent => "客服", "Support agent";
    RoleAdmin => "管理员", "Administrator";
    StaffWithRole => "{name}（{role}）", "{name} ({role})";
    ForbiddenTitle => "你的角色无权访问", "Not available to your role";
    ForbiddenPage => "你的角色（{role}）无法打开此页面。", "Your role ({role}) can't open this page.";
    Account => "账号", "Account";
    SignedInAs => "当前身份", "Signed in as";
    SignOut => "退出登录", "Sign out";
    SignedOutOffline => "已在此设备退出，但无法通知服务器；该会话将在到期后失效。", "Signed out on this device, but the server could not be told; that session ends when it expires.";
    NavTeam => "团队", "Team";
    TeamIntro => "员工、角色与组织架构。", "Staff, roles and the department tree.";
    ManageTeam => "管理员工与组织架构", "Manage staff and departments";
    ResetAdminOnly => "只有管理员可以恢复演示数据。", "Only an administrator can reset the demo data.";
    Role => "角色", "Role";
    Department => "部门", "Department";
    NoDepartment => "无部门", "No department";
    ChangePassword => "修改密码", "Change password";
    CurrentPassword => "当前密码", "Current password";
    NewPassword => "新密码", "New password";
    NewPasswordHint => "至少 10 个字符。", "At least 10 characters.";
    WrongOldPassword => "当前密码不正确。", "The current password is wrong.";
    PasswordChanged => "密码已修改，你的其他登录会话已结束。", "Password changed; your other sessions were ended.";
    Sessions => "登录会话", "Sessions";
    SessionsIntro => "你的账号正在这些地方登录。结束你不认识的会话。", "Where your account is signed in now. End any you don't recognise.";
    SessionLine => "{created} 登录 · {expires} 到期", "Signed in {created} · expires {expires}";
    ThisDevice => "当前设备", "This device";
    EndSession => "结束会话", "End session";
    SessionEnded => "会话已结束。", "Session ended.";
    DemoAccountNote => "浏览器内演示没有密码和登录会话：用“当前身份”切换为任一演示员工。", "The in-browser demo has no passwords or sessions: use “Signed in as” to act as any demo staff member.";
    StaffHeading => "员工", "Staff";
    AdaptersTitle => "渠道接入", "Channel adapters";
    AdaptersIntro => "适配器把微信、企业微信、QQ、微博、抖音、邮件和短信接入收件箱；每个适配器用这里创建的凭据为投递签名。", "Adapters bridge WeChat, WeCom, QQ, Weibo, Douyin, email and SMS into the inbox; each signs its deliveries with a credential created here.";
    AdaptersHowTo => "签名方法与可运行的示例见 docs/channels.md。员工登录令牌不能用于投递。", "How to sign a delivery, with a runnable example: docs/channels.md. Staff sign-in tokens are not accepted for deliveries.";
    AdaptersLocal => "浏览器内演示没有可供适配器投递的地址：凭据可以在这里试着管理，真实投递需要服务器后端。", "The in-browser demo has no address adapters can deliver to: you can try managing credentials here, real deliveries need the server backend.";
    ManageAdapters => "管理渠道接入凭据", "Manage channel adapter credentials";
    AdapterKeys => "凭据", "Credentials";
    NoAdapterKeys => "还没有凭据。为每个渠道的适配器创建一个。", "No credentials yet. Create one for each channel's adapter.";
    NewAdapterKey => "新建凭据", "New credential";
    AdapterLabel => "名称", "Name";
    AdapterLabelHint => "例如：短信网关（生产）", "e.g. SMS gateway (production)";
    CreateAdapterKey => "创建凭据", "Create credential";
    SecretFor => "“{label}”的密钥", "Secret for “{label}”";
    SecretOnce => "现在复制并保存到适配器的配置中：密钥只显示这一次。", "Copy it into the adapter's configuration now: the secret is shown this once.";
    AdapterKeyId => "凭据 ID（X-Lianjie-Key）", "Credential id (X-Lianjie-Key)";
    AdapterSecret => "密钥", "Secret";
    AdapterEndpoint => "投递地址（POST）", "Delivery address (POST)";
    WechatCallback => "微信服务器配置的 URL（Token 填密钥）", "URL for WeChat's server settings (the secret is the Token)";
    CopySecret => "复制密钥", "Copy secret";
    SecretCopied => "密钥已复制。", "Secret copied.";
    SecretSaved => "已保存，关闭", "Saved it, close";
    KeyCreatedAt => "{time} 创建", "created {time}";
    KeyUsedAt => "最近使用 {time}", "last used {time}";
    KeyNeverUsed => "尚未使用", "never used";
    KeyRevokedAt => "已于 {time} 吊销", "revoked {time}";
    OldSecretUntil => "旧密钥可用至 {time}", "old secret works until {time}";
    RotateKey => "更换密钥", "Rotate secret";
    RevokeKey => "吊销", "Revoke";
    ConfirmRevoke => "确认吊销：使用它的适配器会立即停止", "Confirm: adapters using it stop at once";
    Cancel => "取消", "Cancel";
    ImageNamed => "图片：{name}", "Image: {name}";
    StatusActive => "在职", "Active";
    StatusDeactivated => "已停用", "Deactivated";
    SaveChanges => "保存更改", "Save changes";
    StaffSaved => "{name} 已更新。", "{name} updated.";
    TransferTo => "客户转给", "Customers go to";
    TransferNobody => "不转给任何人（进入公海）", "Nobody (they wait in the public pool)";
    Deactivate => "停用", "Deactivate";
    Reactivate => "重新启用", "Reactivate";
    StaffDeactivated => "{name} 已停用，其登录已失效。", "{name} was deactivated and signed out.";
    StaffReactivated => "{name} 已重新启用。", "{name} was reactivated.";
    LastAdmin => "组织至少需要一名在职管理员。", "The organization needs at least one active administrator.";
    ItsYou => "你自己", "You";
    AddStaff => "添加员工", "Add staff";
    CreateStaff => "创建员工", "Create staff";
    StaffCreated => "{name} 已创建。", "{name} was created.";
    InitialPassword => "{name} 的初始密码", "Initial password for {name}";
    ShownOnce => "此密码只显示这一次，之后无法再查看。请当面交给对方，并提醒其登录后修改密码。", "This password is shown once and can't be shown again. Hand it over in person and ask them to change it after signing in.";
    CopyPassword => "复制密码", "Copy password";
    PasswordCopied => "密码已复制。", "Password copied.";
    NoPasswordLocal => "浏览器内演示没有密码：在“当前身份”中选择 {name} 即可以其身份使用。", "The in-browser demo has no passwords: choose {name} under “Signed in as” to act as them.";
    DoneAction => "完成", "Done";
    Departments => "组织架构", "Departments";
    DepartmentName => "部门名称", "Department name";
    ParentDepartment => "上级部门", "Parent department";
    TopLevel => "（顶级部门）", "(top level)";
    SaveDepartment => "保存部门", "Save department";
    DeleteDepartment => "删除部门", "Delete department";
    AddDepartment => "添加部门", "Add department";
    DepartmentSaved => "部门已保存。", "Department saved.";
    DepartmentDeleted => "部门已删除。", "Department deleted.";
    DepartmentInUse => "部门里还有员工或下级部门，无法删除。", "This department still has staff or departments below it.";
    NoDepartmentsYet => "还没有部门。", "No departments yet.";
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn every_message_has_text_in_every_locale() {
        for msg in Msg::ALL {
            for locale in Locale::ALL {
                assert!(!msg.text(locale).trim().is_empty(), "{msg:?} in {locale:?}");
            }
        }
    }

    #[test]
    fn english_texts_are_distinct() {
        // Two keys with the same English text usually means a copy-paste slip.
        let mut seen = HashSet::new();
        for msg in Msg::ALL {
            assert!(
                seen.insert(msg.text(Locale::En)),
                "duplicate text for {msg:?}"
            );
        }
    }
}
