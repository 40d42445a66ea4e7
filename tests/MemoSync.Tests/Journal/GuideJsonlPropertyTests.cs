using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using FsCheck;
using FsCheck.Fluent;
using MemoSync.Journal;
using MemoSync.Journal.Jsonl;

namespace MemoSync.Tests.Journal;

/// <summary>
/// Property tests of the JSONL line parser and the importer (FsCheck): good lines are generated, then mutated (bytes
/// flipped, cut short, a field given twice, values of the wrong type, strings over the size limit, half surrogate
/// pairs, invalid UTF-8, a byte order mark, CRLF). Nothing but a documented bad line ever comes out of a line, and a
/// file of good and bad lines imports exactly its good ones, in order.
/// </summary>
public sealed partial class GuideJsonlPropertyTests : TempSqliteJournal
{
    /// <summary>Single lines tried by the parser's property.</summary>
    public const int LinesTried = 5_000;

    /// <summary>Files of up to 12 lines tried by the importer's property.</summary>
    public const int FilesTried = 1_000;

    /// <summary>A small limit, so lines over it are cheap to make.</summary>
    private static readonly TurnLimits Limits = new() { MaxLineBytes = 4096 };

    private static readonly byte[] Bom = [0xEF, 0xBB, 0xBF];
    private static readonly string[] Texts = ["hello", "我喜欢打网球", "Ünïcödé", "emoji 😀 here", "quote \" and \\ backslash", "tab\tnew\nline", "<script>&amp;", "\u0001ctl", "‮rtl", "a"];
    private static readonly string[] Users = ["alice", "bob", "张伟", "user with spaces", "😀", "x"];
    private static readonly string[] Unknown = ["mood", "tags", "extra", "Messages", "sync"];

    private Guid? _lastTurn;
    private int _case;

    // ---- generators

    /// <summary>What a good line says, before it is written out.</summary>
    public sealed record GoodLine(string? User, string? Session, (string Role, string Content)[] Messages, bool? Synced, int? Retries,
        DateTimeOffset Timestamp, bool WithOffset, string? Interrupted, string[] UnknownFields, bool Ascii, bool PythonSpacing)
    {
        public string Text(string? contentSuffix = null, Func<string, JsonNode?, (string, JsonNode?)>? change = null)
        {
            var fields = new List<(string Name, JsonNode? Value)>
            {
                ("messages", new JsonArray(Messages.Select((m, i) => (JsonNode)new JsonObject
                {
                    ["role"] = m.Role,
                    ["content"] = i == 0 && contentSuffix is not null ? m.Content + contentSuffix : m.Content,
                }).ToArray())),
                ("timestamp", WithOffset ? Timestamp.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffffzzz", CultureInfo.InvariantCulture)
                    : Timestamp.ToLocalTime().ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff", CultureInfo.InvariantCulture)),
            };
            if (Synced is { } synced)
            {
                fields.Add(("synced", synced));
            }
            if (Retries is { } retries)
            {
                fields.Add(("retry_count", retries));
            }
            if (User is not null)
            {
                fields.Add(("user_id", User));
            }
            if (Session is not null)
            {
                fields.Add(("session_id", Session));
            }
            if (Interrupted is not null)
            {
                fields.Add(("interrupted", Interrupted));
            }
            fields.AddRange(UnknownFields.Select(f => (f, (JsonNode?)new JsonObject { ["any"] = new JsonArray(1, "two", null) })));
            if (change is not null)
            {
                fields = [.. fields.Select(f => change(f.Name, f.Value))];
            }
            var options = new JsonSerializerOptions { Encoder = Ascii ? JavaScriptEncoder.Default : JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
            var separator = PythonSpacing ? ", " : ",";
            var colon = PythonSpacing ? ": " : ":";
            return "{" + string.Join(separator, fields.Select(f => JsonValue.Create(f.Name).ToJsonString(options) + colon + (f.Value?.ToJsonString(options) ?? "null"))) + "}";
        }
    }

    private static Gen<T?> Maybe<T>(Gen<T> gen) where T : class => Gen.Frequency((1, Gen.Constant<T?>(null)), (2, gen.Select(v => (T?)v)));

    private static Gen<T?> MaybeValue<T>(Gen<T> gen) where T : struct => Gen.Frequency((1, Gen.Constant<T?>(null)), (2, gen.Select(v => (T?)v)));

    private static readonly Gen<string> Text =
        from n in Gen.Choose(1, 3)
        from parts in Gen.ArrayOf(Gen.Elements(Texts), n)
        select string.Concat(parts);

    private static readonly Gen<GoodLine> Goods =
        from user in Maybe(Gen.Elements(Users))
        from session in Maybe(Gen.Elements("s1", "会话", "chat-0192"))
        from count in Gen.Choose(1, 4)
        from roles in Gen.ArrayOf(Gen.Elements("user", "assistant"), count)
        from contents in Gen.ArrayOf(Text, count)
        from synced in MaybeValue(Gen.Elements(true, false))
        from retries in MaybeValue(Gen.Choose(0, 12))
        from seconds in Gen.Choose(0, int.MaxValue)
        from offsetMinutes in Gen.Elements(0, 60, -300, 330, 480, 525, -720)
        from withOffset in Gen.Elements(true, false)
        from interrupted in Maybe(Gen.Elements("user_spoke", "cancelled", "dropped", "failed"))
        from unknown in Gen.SubListOf(Unknown)
        from ascii in Gen.Elements(true, false)
        from python in Gen.Elements(true, false)
        select new GoodLine(user, session, [.. roles.Zip(contents)], synced, retries,
            DateTimeOffset.FromUnixTimeSeconds(86_400L + seconds).ToOffset(TimeSpan.FromMinutes(offsetMinutes)), withOffset, interrupted,
            [.. unknown], ascii, python);

    /// <summary>Ways to make a good line bad for certain; each leaves a line a documented reason names.</summary>
    public enum Spoil
    {
        InvalidUtf8,
        HalfSurrogate,
        FieldTwice,
        WrongType,
        CutShort,
        OverTheLimit,
        NotAnObject,
    }

    private static readonly (string Field, JsonNode? Value)[] WrongTypes =
    [
        ("user_id", 7), ("user_id", null), ("user_id", new JsonArray()), ("session_id", 42), ("session_id", true), ("synced", "yes"),
        ("retry_count", -1), ("retry_count", "3"), ("retry_count", 1.5), ("timestamp", 5), ("timestamp", "1960-01-01T00:00:00"),
        ("timestamp", "tomorrow"), ("messages", new JsonObject()), ("messages", new JsonArray()), ("messages", new JsonArray(5)),
        ("interrupted", 1), ("interrupted", "bored"),
    ];

    /// <summary>The line <paramref name="good"/> made bad by <paramref name="spoil"/> (<paramref name="at"/> picks where).</summary>
    private static byte[] Spoilt(GoodLine good, string suffix, Spoil spoil, int at)
    {
        var text = good.Text(suffix);
        var bytes = Encoding.UTF8.GetBytes(text);
        switch (spoil)
        {
            case Spoil.InvalidUtf8:
                byte[][] broken = [[0xFF], [0xC3], [0xC0, 0x80], [0xED, 0xA0, 0x80], [0xF8, 0x88, 0x80, 0x80, 0x80], [0x80]];
                var where = 1 + at % (bytes.Length - 1);
                while (where < bytes.Length && (bytes[where] & 0xC0) == 0x80)
                {
                    where++;
                }
                return [.. bytes[..where], .. broken[at % broken.Length], .. bytes[where..]];
            case Spoil.HalfSurrogate:
                return Encoding.UTF8.GetBytes(good.Text(suffix + (at % 2 == 0 ? "\\ud800" : "\\udfff tail")).Replace("\\\\ud", "\\ud", StringComparison.Ordinal));
            case Spoil.FieldTwice:
                string[] again = ["\"timestamp\": \"2024-01-01T00:00:00\", ", "\"messages\": [], "];
                return Encoding.UTF8.GetBytes("{" + again[at % 2] + text[1..]);
            case Spoil.WrongType:
                var (field, value) = WrongTypes[at % WrongTypes.Length];
                var changed = good.Text(suffix, (name, v) => name == field ? (name, value?.DeepClone()) : (name, v));
                return Encoding.UTF8.GetBytes(changed.Contains($"\"{field}\"", StringComparison.Ordinal) ? changed : "{" + $"\"{field}\": {value?.ToJsonString() ?? "null"}, " + changed[1..]);
            case Spoil.CutShort:
                return bytes[..(1 + at % (bytes.Length - 1))];
            case Spoil.OverTheLimit:
                return Encoding.UTF8.GetBytes(good.Text(suffix + new string('长', Limits.MaxLineBytes / 3 + at % 100)));
            default:
                string[] notObjects = ["[1, 2]", "\"text\"", "null", "42", "true"];
                return Encoding.UTF8.GetBytes(notObjects[at % notObjects.Length]);
        }
    }

    // ---- the documented reasons

    [GeneratedRegex("""^(not JSON \(|not a JSON object$|not UTF-8 \(bytes [0-9A-F]+|longer than the limit of \d+ bytes|(messages|user_id|synced|retry_count|timestamp|session_id|interrupted)(\[\d+\](\.(role|content|alias|created_at))?)?: |.*: given twice$|.*: holds half of a UTF-16 surrogate pair|.*: a field name holds half of a UTF-16 surrogate pair)""", RegexOptions.Singleline)]
    private static partial Regex Documented();

    /// <summary>Every line of <paramref name="bytes"/>, read off any synchronization context (properties run synchronously).</summary>
    private static List<GuideLine> ReadAll(byte[] bytes, string? user = "default") => Task.Run(async () =>
    {
        var lines = new List<GuideLine>();
        await foreach (var line in new GuideJsonlReader(new MemoryStream(bytes), user, Limits).ReadAsync())
        {
            lines.Add(line);
        }
        return lines;
    }).GetAwaiter().GetResult();

    private static string OldHash(string line, string user, DateTimeOffset timestamp)
    {
        // What the parser before this change hashed, so a file imported by it is recognised again.
        var obj = JsonNode.Parse(line)!.AsObject();
        var identity = $"{user}\n{(string?)obj["session_id"]}\n{timestamp.ToUnixTimeMilliseconds()}\n{obj["messages"]!.ToJsonString()}";
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(identity)));
    }

    // ---- properties

    [Fact]
    public void A_good_line_is_read_as_what_it_says_whatever_its_spacing_escaping_BOM_or_CRLF()
    {
        var property = Prop.ForAll(Goods.ToArbitrary(), Gen.Elements(0, 1, 2, 3).ToArbitrary(), (good, ends) =>
        {
            var text = good.Text();
            byte[] bytes = [.. (ends & 1) == 1 ? Bom : [], .. Encoding.UTF8.GetBytes(text), .. (ends & 2) == 2 ? "\r\n"u8.ToArray() : []];
            var read = Assert.Single(ReadAll(bytes));
            Assert.True(read.Bad is null, $"{read.Bad?.Reason}: {text}");
            var turn = read.Turn!;
            Assert.Equal(good.User ?? "default", turn.Turn.UserId);
            Assert.Equal(good.Session, turn.Turn.SessionId);
            Assert.Equal(good.Messages.Select(m => (m.Role, m.Content)), turn.Turn.Messages.Select(m => (m.Role, m.Content)));
            if (good.WithOffset || !TimeZoneInfo.Local.IsAmbiguousTime(good.Timestamp))
            {
                Assert.Equal(good.Timestamp.ToUnixTimeSeconds(), turn.Turn.Timestamp.ToUnixTimeSeconds());
            }
            Assert.Equal((good.Synced ?? false, good.Retries ?? 0), (turn.Synced, turn.RetryCount));
            Assert.Equal(good.UnknownFields.Order(), read.UnknownFields.Order());
            Assert.Equal(OldHash(text, turn.Turn.UserId, turn.Turn.Timestamp), turn.ContentHash);
        });
        property.Check(Config.QuickThrowOnFailure.WithMaxTest(LinesTried));
    }

    [Fact]
    public void Whatever_is_done_to_a_line_nothing_but_a_documented_bad_line_comes_out_of_it()
    {
        var mutation = Gen.OneOf(
            // Bytes flipped, dropped or added anywhere, and the spoilt lines.
            from count in Gen.Choose(1, 4)
            from flips in Gen.ArrayOf(Gen.Zip(Gen.Choose(0, int.MaxValue), Gen.Choose(1, 255)), count)
            select (Func<byte[], byte[]>)(b =>
            {
                var copy = b.ToArray();
                foreach (var (at, x) in flips)
                {
                    copy[at % copy.Length] ^= (byte)x;
                }
                return copy;
            }),
            from at in Gen.Choose(0, int.MaxValue)
            from n in Gen.Choose(1, 8)
            select (Func<byte[], byte[]>)(b => [.. b[..(at % b.Length)], .. b[Math.Min(b.Length, at % b.Length + n)..]]),
            from at in Gen.Choose(0, int.MaxValue)
            from junk in Gen.ArrayOf(Gen.Choose(0, 255).Select(x => (byte)x), 6)
            select (Func<byte[], byte[]>)(b => [.. b[..(at % b.Length)], .. junk, .. b[(at % b.Length)..]]));
        var cases = Gen.Zip(Gen.Zip(Goods, Gen.Elements(Enum.GetValues<Spoil>())), Gen.Zip(mutation, Gen.Choose(0, int.MaxValue)));
        var property = Prop.ForAll(cases.ToArbitrary(), c =>
        {
            var ((good, spoil), (mutate, at)) = c;
            var spoilt = Spoilt(good, "", spoil, at);
            foreach (var bytes in new[] { spoilt, mutate(Encoding.UTF8.GetBytes(good.Text())) })
            {
                List<GuideLine> lines;
                try
                {
                    lines = ReadAll(bytes);
                }
                catch (Exception e)
                {
                    throw new InvalidOperationException($"{e.GetType().Name} escaped for {Convert.ToHexString(bytes)}", e);
                }
                foreach (var line in lines.Where(l => l.Bad is not null))
                {
                    Assert.True(Documented().IsMatch(line.Bad!.Reason), $"undocumented reason '{line.Bad.Reason}' for {Convert.ToHexString(bytes)}");
                }
            }
            var read = Assert.Single(ReadAll(spoilt));
            Assert.True(read.Bad is not null, $"{spoil} left a good line: {Encoding.UTF8.GetString(spoilt)}");
        });
        property.Check(Config.QuickThrowOnFailure.WithMaxTest(LinesTried));
    }

    [Fact]
    public void A_file_of_good_and_bad_lines_imports_exactly_its_good_ones_in_order()
    {
        var entry = Gen.Frequency(
            (5, Goods.Select(g => (Good: g, Spoil: (Spoil?)null))),
            (3, Gen.Zip(Goods, Gen.Elements(Enum.GetValues<Spoil>())).Select(p => (Good: p.Item1, Spoil: (Spoil?)p.Item2))),
            (1, Gen.Constant((Good: (GoodLine)null!, Spoil: (Spoil?)null))));
        var files = Gen.Zip(Gen.Choose(1, 12).SelectMany(n => Gen.ArrayOf(entry, n)), Gen.Zip(Gen.Elements(true, false), Gen.Choose(0, int.MaxValue)));
        var property = Prop.ForAll(files.ToArbitrary(), file =>
        {
            var (entries, (crlf, at)) = file;
            var n = Interlocked.Increment(ref _case);
            var bytes = new List<byte>();
            var expected = new List<string>();
            var bad = new List<int>();
            var unknown = new Dictionary<string, int>();
            for (var i = 0; i < entries.Length; i++)
            {
                var (good, spoil) = entries[i];
                var suffix = $" #{n}.{i}";
                if (i == 0 && at % 3 == 0)
                {
                    bytes.AddRange(Bom);
                }
                if (good is null)
                {
                    bytes.AddRange(Encoding.UTF8.GetBytes(at % 2 == 0 ? "   " : ""));
                }
                else if (spoil is { } how)
                {
                    bytes.AddRange(Spoilt(good, suffix, how, at + i));
                    bad.Add(i + 1);
                }
                else
                {
                    bytes.AddRange(Encoding.UTF8.GetBytes(good.Text(suffix)));
                    expected.Add(good.Messages[0].Content + suffix);
                    foreach (var field in good.UnknownFields)
                    {
                        unknown[field] = unknown.GetValueOrDefault(field) + 1;
                    }
                }
                bytes.AddRange(crlf ? "\r\n"u8.ToArray() : "\n"u8.ToArray());
            }

            var report = Task.Run(() => new GuideJsonlImporter(Journal, Limits).ImportAsync(new MemoryStream([.. bytes]), $"default-{n}")).GetAwaiter().GetResult();

            Assert.Equal(bad, report.BadLines.Select(b => b.Number));
            Assert.Equal((entries.Length, expected.Count, 0), (report.Lines, report.Imported, report.AlreadyPresent));
            Assert.Equal(unknown.OrderBy(u => u.Key), report.UnknownFields.OrderBy(u => u.Key));
            var added = Task.Run(() => Journal.ListAfterAsync(_lastTurn, 100)).GetAwaiter().GetResult();
            Assert.Equal(expected, added.Select(e => e.Turn.Messages[0].Content));
            _lastTurn = added.Count > 0 ? added[^1].Turn.Id : _lastTurn;
        });
        property.Check(Config.QuickThrowOnFailure.WithMaxTest(FilesTried));
    }
}
