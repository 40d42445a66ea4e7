using FsCheck;
using FsCheck.Fluent;

namespace MemoSync.TestSupport;

/// <summary>
/// Property and fuzz tests: <see cref="InputsPerProperty"/> generated or mutated inputs per property, each run bounded in
/// time, so an input that makes a parser loop fails the test instead of hanging the run.
/// </summary>
public static class Fuzzing
{
    /// <summary>Inputs tried per property: enough to reach the odd corners of a small parser, few enough for a 2-core machine.</summary>
    public const int InputsPerProperty = 500;

    /// <summary>The longest one property may run; far above what <see cref="InputsPerProperty"/> inputs take.</summary>
    public static readonly TimeSpan Bound = TimeSpan.FromMinutes(2);

    /// <summary>
    /// Checks that <paramref name="property"/> holds (does not throw) for every input drawn from <paramref name="inputs"/>.
    /// <c>MEMOSYNC_FUZZ_REPLAY=seed,gamma,size</c> (the three numbers a failure prints) replays one failing run.
    /// </summary>
    /// <exception cref="TimeoutException">The inputs were not all tried within <see cref="Bound"/>: something loops or waits without end.</exception>
    public static void Check<T>(Arbitrary<T> inputs, Action<T> property)
    {
        var config = Config.QuickThrowOnFailure.WithMaxTest(InputsPerProperty).WithQuietOnSuccess(true);
        if (Environment.GetEnvironmentVariable("MEMOSYNC_FUZZ_REPLAY") is { Length: > 0 } replay)
        {
            var parts = replay.Trim('(', ')').Split(',');
            config = config.WithReplay(new Replay(new Rnd(ulong.Parse(parts[0]), ulong.Parse(parts[1])), int.Parse(parts[2])));
        }
        var run = Task.Factory.StartNew(() => Prop.ForAll(inputs, property).Check(config), TaskCreationOptions.LongRunning);
        if (Task.WaitAny([run], Bound) < 0)
        {
            throw new TimeoutException($"{InputsPerProperty} inputs were not tried within {Bound}: one of them loops or waits without end");
        }
        run.GetAwaiter().GetResult();
    }

    /// <summary>Any bytes, or <paramref name="seed"/> mutated: bytes overwritten, cut short or repeated (most inputs stay close to valid).</summary>
    public static Arbitrary<byte[]> BytesNear(byte[] seed) => Gen.OneOf(
            ArbMap.Default.GeneratorFor<byte[]>(),
            Mutations(seed))
        .ToArbitrary();

    private static Gen<byte[]> Mutations(byte[] seed) =>
        from edits in Gen.NonEmptyListOf(Edit(seed.Length))
        select Apply(seed, edits);

    private static Gen<(int Kind, int At, int Value)> Edit(int length) =>
        from kind in Gen.Choose(0, 2)
        from at in Gen.Choose(0, Math.Max(0, length - 1))
        from value in Gen.Choose(0, 255)
        select (kind, at, value);

    private static byte[] Apply(byte[] seed, IEnumerable<(int Kind, int At, int Value)> edits)
    {
        var bytes = seed.ToList();
        foreach (var (kind, at, value) in edits)
        {
            if (bytes.Count == 0)
            {
                break;
            }
            var i = at % bytes.Count;
            switch (kind)
            {
                case 0:
                    bytes[i] = (byte)value;
                    break;
                case 1:
                    bytes.RemoveRange(i, bytes.Count - i);
                    break;
                default:
                    bytes.InsertRange(i, bytes.GetRange(i, Math.Min(value % 16 + 1, bytes.Count - i)));
                    break;
            }
        }
        return [.. bytes];
    }
}
