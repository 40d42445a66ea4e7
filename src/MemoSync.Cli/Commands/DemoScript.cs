namespace MemoSync.Cli.Commands;

/// <summary>The demo's conversation: a few users, in Chinese and English, asking an assistant about their lives.</summary>
internal static class DemoScript
{
    private static readonly (string User, (string Said, string Answer)[] Lines)[] Users =
    [
        ("小明", [("我最近在学打网球。", "太好了！你每周练几次？"), ("周末早上去公园练。", "坚持下去，进步会很快。"), ("我喜欢喝乌龙茶。", "乌龙茶很香，记下了。")]),
        ("alice", [("I'm training for a half marathon.", "Great goal! When is the race?"), ("In March, in Lyon.", "Lyon in spring sounds lovely."), ("I'm vegetarian, by the way.", "Noted, I'll keep that in mind.")]),
        ("王芳", [("我下个月要搬去上海。", "祝你搬家顺利！"), ("我在找离公司近的房子。", "可以看看地铁沿线的小区。"), ("我养了一只猫，叫团子。", "团子这个名字真可爱！")]),
        ("bob", [("My daughter starts school next week.", "An exciting week for your family!"), ("I work night shifts at the hospital.", "That must be demanding; rest well."), ("I'm learning to cook Sichuan food.", "Mapo tofu is a good place to start.")]),
    ];

    /// <summary>Turn <paramref name="index"/> of the demo: who speaks and what is said, cycling through the script.</summary>
    public static (string User, string Said, string Answer) Turn(int index)
    {
        var (user, lines) = Users[index % Users.Length];
        var (said, answer) = lines[index / Users.Length % lines.Length];
        return (user, $"{said} ({index / Users.Length + 1})", answer);
    }

    public static int UserCount => Users.Length;
}
