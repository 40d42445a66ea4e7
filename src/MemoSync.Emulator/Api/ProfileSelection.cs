using MemoSync.Memobase.Models;

namespace MemoSync.Emulator.Api;

/// <summary>
/// The server's profile filtering (<c>truncate_profiles</c>): only some topics, preferred topics
/// first, a cap of sub-topics per topic, the top k, and a token budget.
/// </summary>
internal sealed record ProfileSelection(
    IReadOnlyList<string> PreferTopics,
    IReadOnlyList<string> OnlyTopics,
    int? MaxSubtopicSize,
    IReadOnlyDictionary<string, int> TopicLimits,
    int? TopK,
    int? MaxTokenSize)
{
    public IReadOnlyList<ProfileData> Apply(IReadOnlyList<ProfileData> profiles)
    {
        IEnumerable<ProfileData> selected = profiles;
        if (OnlyTopics.Count > 0)
        {
            selected = selected.Where(p => OnlyTopics.Contains(Topic(p)));
        }
        if (PreferTopics.Count > 0)
        {
            selected = selected.OrderBy(p => PreferTopics.Contains(Topic(p)) ? PreferTopics.ToList().IndexOf(Topic(p)) : PreferTopics.Count);
        }
        if (MaxSubtopicSize is not null || TopicLimits.Count > 0)
        {
            selected = selected
                .GroupBy(Topic)
                .SelectMany(g => g.Take(TopicLimits.TryGetValue(g.Key, out var limit) ? limit : MaxSubtopicSize ?? int.MaxValue));
        }
        if (TopK is { } k)
        {
            selected = selected.Take(k);
        }
        var result = new List<ProfileData>();
        var tokens = 0;
        foreach (var profile in selected)
        {
            tokens += TokenEstimate.Of(profile.Content);
            if (MaxTokenSize is { } max && tokens > max)
            {
                break;
            }
            result.Add(profile);
        }
        return result;
    }

    private static string Topic(ProfileData p) => p.Attributes?.Topic ?? "";
}
