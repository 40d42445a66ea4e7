using System.Diagnostics.Metrics;
using MemoSync.Memobase.Errors;

namespace MemoSync.Memobase;

/// <summary>The client's instruments, on <see cref="Meter"/> <c>MemoSync.Memobase</c>: failures by <see cref="MemobaseErrorKind"/>.</summary>
public static class MemobaseClientMetrics
{
    /// <summary>The meter's name, for an exporter's <c>AddMeter</c>.</summary>
    public const string MeterName = "MemoSync.Memobase";

    private static readonly Meter Meter = new(MeterName);
    private static readonly Counter<long> Errors = Meter.CreateCounter<long>("memosync.memobase.errors",
        description: "Failed Memobase calls, by error class (kind: transient, configuration, permanent) and operation; a user not yet in Memobase is no failure");

    internal static void Failed(MemobaseException e) => Errors.Add(1,
        new KeyValuePair<string, object?>("kind", e.Kind.ToString().ToLowerInvariant()),
        new KeyValuePair<string, object?>("operation", e.Operation));
}
