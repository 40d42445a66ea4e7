using System.Globalization;

namespace MemoSync.Bench;

/// <summary>Named measurements gathered over several runs, printed as a markdown table of medians and every run's value.</summary>
internal sealed class ResultTable
{
    private readonly Dictionary<string, List<double>> _values = [];

    public void Add(string name, double value) => (_values.TryGetValue(name, out var list) ? list : _values[name] = []).Add(value);

    /// <summary>The value of <paramref name="name"/> in the latest run.</summary>
    public double Latest(string name) => _values[name][^1];

    public void Print(TextWriter output, int runs)
    {
        output.WriteLine();
        output.WriteLine($"| measure | median of {runs} runs | runs |");
        output.WriteLine("| --- | ---: | --- |");
        foreach (var (name, values) in _values)
        {
            output.WriteLine($"| {name} | {Samples.Median(values):0.###} | {string.Join(", ", values.Select(v => v.ToString("0.##", CultureInfo.InvariantCulture)))} |");
        }
    }
}
