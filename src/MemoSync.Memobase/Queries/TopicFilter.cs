namespace MemoSync.Memobase.Queries;

/// <summary>Which profiles to keep, shared by the profile and context reads.</summary>
public sealed record TopicFilter
{
    /// <summary>Topics ranked first, so they survive truncation.</summary>
    public IReadOnlyList<string>? PreferTopics { get; init; }

    /// <summary>Only profiles of these topics.</summary>
    public IReadOnlyList<string>? OnlyTopics { get; init; }

    /// <summary>At most this many sub-topics per topic.</summary>
    public int? MaxSubtopicSize { get; init; }

    /// <summary>Per-topic sub-topic limits, overriding <see cref="MaxSubtopicSize"/> (<c>topic_limits_json</c>).</summary>
    public IReadOnlyDictionary<string, int>? TopicLimits { get; init; }

    internal void AddTo(QueryBuilder query) => query
        .AddAll("prefer_topics", PreferTopics)
        .AddAll("only_topics", OnlyTopics)
        .Add("max_subtopic_size", MaxSubtopicSize)
        .AddJson("topic_limits_json", TopicLimits);
}
