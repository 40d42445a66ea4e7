using FsCheck;
using FsCheck.Fluent;
using MemoSync.Delivery;
using MemoSync.Journal;
using MemoSync.Memobase;
using MemoSync.Memobase.Errors;
using MemoSync.TestSupport;
using Microsoft.Extensions.Logging.Abstractions;

namespace MemoSync.Tests.Delivery;

/// <summary>
/// Delivery options as code sets them, any values: <see cref="DeliveryOptions.Validate"/> names what cannot be used, and
/// whatever it accepts runs: every timer the engine sets takes it, and every backoff is computed without overflow.
/// </summary>
public sealed class DeliveryOptionsPropertyTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    /// <summary>Durations around the bounds and far past them, both signs.</summary>
    private static Gen<TimeSpan> Durations => Gen.OneOf(
        Gen.Elements(TimeSpan.Zero, TimeSpan.MinValue, TimeSpan.MaxValue, TimeSpan.FromSeconds(5_000_000), TimeSpan.FromDays(1), TimeSpan.FromDays(1) + TimeSpan.FromTicks(1),
            TimeSpan.FromDays(50), TimeSpan.FromMilliseconds(1)),
        Gen.Choose(-100, 200_000).Select(s => TimeSpan.FromSeconds(s)));

    private static Gen<int> Counts => Gen.OneOf(Gen.Elements(int.MinValue, int.MaxValue, 0, 1, 2, 1000, 1001, 100_000, 100_001), Gen.Choose(-5, 2000));

    /// <summary>Mostly <paramref name="usual"/>, now and then an odd value: most inputs differ from options that work in a field or two.</summary>
    private static Gen<T> OrOdd<T>(T usual, Gen<T> odd) => Gen.Frequency((4, Gen.Constant(usual)), (1, odd));

    private static readonly DeliveryOptions Defaults = new();

    private static Gen<(DeliveryOptions Options, TimeSpan RequestTimeout)> Inputs =>
        from times in Gen.CollectToArray(new[] { Defaults.SyncInterval, Defaults.Lease, Defaults.RetryDelay, Defaults.MaxBackoff, Defaults.ConfigurationPause,
            Defaults.DrainTimeout, TimeSpan.FromSeconds(30) }.Select(t => OrOdd(t, Durations)))
        from counts in Gen.CollectToArray(new[] { Defaults.MaxRetries, Defaults.DeadAfter, Defaults.Lanes, Defaults.MaxHeld, Defaults.ClaimBatch,
            Defaults.VerifyRequests }.Select(c => OrOdd(c, Counts)))
        select (new DeliveryOptions
        {
            SyncInterval = times[0], Lease = times[1], RetryDelay = times[2], MaxBackoff = times[3], ConfigurationPause = times[4], DrainTimeout = times[5],
            MaxRetries = counts[0], DeadAfter = counts[1], Lanes = counts[2], MaxHeld = counts[3], ClaimBatch = counts[4], VerifyRequests = counts[5],
        }, times[6]);

    [Fact]
    public async Task Options_the_validation_accepts_run_and_the_others_are_named()
    {
        await using var journal = SqliteJournal.Open(new SqliteJournalOptions { Path = _dir.File("memosync.db") });
        using var http = new HttpClient();
        var client = new MemobaseClient(http, new MemobaseClientOptions { BaseUrl = "http://127.0.0.1:1/", Token = "t" });
        var failure = new MemobaseException("insert blob", MemobaseErrorKind.Transient, "down", retryAfter: TimeSpan.FromHours(1));
        Fuzzing.Check(Inputs.ToArbitrary(), input =>
        {
            var (options, requestTimeout) = input;
            if (options.Validate(requestTimeout) is { } refused)
            {
                Assert.Matches("^(MEMOBASE_|MEMOSYNC_|DeliveryOptions\\.)", refused);
                return;
            }
            foreach (var wait in new[] { options.SyncInterval, options.Lease / 3, options.ConfigurationPause, options.DrainTimeout, requestTimeout })
            {
                using var timer = new CancellationTokenSource(wait);
            }
            var delivery = new TurnDelivery(client, journal, options, TimeProvider.System, NullLogger<TurnDelivery>.Instance);
            foreach (var retries in new[] { 1, 2, options.DeadAfter / 2, options.DeadAfter })
            {
                var backoff = delivery.Backoff(Math.Max(1, retries), failure);
                Assert.InRange(backoff, TimeSpan.Zero, options.MaxBackoff);
                _ = DateTimeOffset.UtcNow + backoff;
            }
        });
    }
}
