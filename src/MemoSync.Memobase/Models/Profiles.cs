namespace MemoSync.Memobase.Models;

/// <summary>Where a profile sits in the user's memory.</summary>
/// <param name="Topic">The topic, e.g. <c>interest</c>.</param>
/// <param name="SubTopic">The sub-topic, e.g. <c>sports</c>.</param>
public sealed record ProfileAttributes(string Topic, string SubTopic);

/// <summary>One fact the server holds about a user (<c>ProfileData</c>).</summary>
/// <param name="Id">The profile id.</param>
/// <param name="Content">The fact.</param>
/// <param name="Attributes">Its topic and sub-topic.</param>
/// <param name="CreatedAt">Set by the server.</param>
/// <param name="UpdatedAt">Set by the server.</param>
public sealed record ProfileData(
    Guid Id,
    string Content,
    ProfileAttributes? Attributes,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt);

/// <summary>The body to add or update a profile (<c>ProfileDelta</c>).</summary>
/// <param name="Content">The fact.</param>
/// <param name="Attributes">Its topic and sub-topic.</param>
public sealed record ProfileDelta(string Content, ProfileAttributes? Attributes);

/// <summary>The profiles of a user (<c>UserProfilesData</c>).</summary>
/// <param name="Profiles">The profiles.</param>
public sealed record UserProfilesData(IReadOnlyList<ProfileData> Profiles);

/// <summary>The project's profile configuration, a YAML string (<c>ProfileConfigData</c>).</summary>
/// <param name="ProfileConfig">The YAML text, or <c>null</c> when none is set.</param>
public sealed record ProfileConfigData(string? ProfileConfig);
