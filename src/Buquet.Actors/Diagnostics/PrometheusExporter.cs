using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Globalization;
using System.Text;

namespace Buquet.Actors.Diagnostics;

/// <summary>
/// Aggregates the instruments of the <c>Buquet.Actors</c> meter (and any other named meters) in memory and renders
/// them in the Prometheus text exposition format 0.0.4: counters as <c>name_total</c>, up-down counters and gauges
/// as gauges, histograms as cumulative <c>_bucket{le}</c>/<c>_sum</c>/<c>_count</c>. Dots in names become underscores.
/// </summary>
internal sealed class PrometheusExporter : IDisposable
{
    private static readonly double[] Bounds = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300];

    private readonly MeterListener _listener = new();
    private readonly HashSet<string> _meters;
    private readonly ConcurrentDictionary<Instrument, Series> _series = new();

    public PrometheusExporter(params string[] meterNames)
    {
        _meters = new HashSet<string>(meterNames.Length == 0 ? [BuquetTelemetry.Name] : meterNames, StringComparer.Ordinal);
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (_meters.Contains(instrument.Meter.Name))
            {
                _series.TryAdd(instrument, new Series(instrument));
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((i, v, tags, _) => Record(i, v, tags));
        _listener.SetMeasurementEventCallback<int>((i, v, tags, _) => Record(i, v, tags));
        _listener.SetMeasurementEventCallback<double>((i, v, tags, _) => Record(i, v, tags));
        _listener.Start();
    }

    /// <summary>The exposition of every instrument seen so far.</summary>
    public string Render()
    {
        lock (_series)
        {
            foreach (var s in _series.Values)
            {
                s.ResetGaugeIfObservable();
            }

            _listener.RecordObservableInstruments();
        }

        var sb = new StringBuilder();
        foreach (var s in _series.Values.OrderBy(s => s.Instrument.Name, StringComparer.Ordinal))
        {
            s.Write(sb);
        }

        return sb.ToString();
    }

    public void Dispose() => _listener.Dispose();

    internal static string MetricName(string name)
    {
        var sb = new StringBuilder(name.Length);
        foreach (var c in name)
        {
            sb.Append(char.IsAsciiLetterOrDigit(c) || c == '_' || c == ':' ? c : '_');
        }

        return sb.ToString();
    }

    internal static string EscapeLabel(string value) =>
        value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal);

    private void Record(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        if (_series.TryGetValue(instrument, out var s))
        {
            s.Add(LabelKey(tags), value);
        }
    }

    private static string LabelKey(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        if (tags.Length == 0)
        {
            return string.Empty;
        }

        var pairs = new List<string>(tags.Length);
        foreach (var t in tags)
        {
            var v = Convert.ToString(t.Value, CultureInfo.InvariantCulture) ?? string.Empty;
            pairs.Add($"{MetricName(t.Key)}=\"{EscapeLabel(v)}\"");
        }

        pairs.Sort(StringComparer.Ordinal);
        return string.Join(',', pairs);
    }

    private sealed class Series(Instrument instrument)
    {
        private readonly object _gate = new();
        private readonly Dictionary<string, double> _values = new(StringComparer.Ordinal);
        private readonly Dictionary<string, (long[] Buckets, double Sum, long Count)> _histograms = new(StringComparer.Ordinal);

        public Instrument Instrument { get; } = instrument;

        private bool IsHistogram => Instrument.GetType().Name.StartsWith("Histogram", StringComparison.Ordinal);

        private bool IsCounter => Instrument.GetType().Name.StartsWith("Counter", StringComparison.Ordinal)
            || Instrument.GetType().Name.StartsWith("ObservableCounter", StringComparison.Ordinal);

        private bool IsObservable => Instrument.IsObservable;

        public void ResetGaugeIfObservable()
        {
            if (IsObservable)
            {
                lock (_gate)
                {
                    _values.Clear();
                }
            }
        }

        public void Add(string labels, double value)
        {
            lock (_gate)
            {
                if (IsHistogram)
                {
                    _histograms.TryGetValue(labels, out var h);
                    h.Buckets ??= new long[Bounds.Length + 1];
                    var i = 0;
                    while (i < Bounds.Length && value > Bounds[i])
                    {
                        i++;
                    }

                    h.Buckets[i]++;
                    _histograms[labels] = (h.Buckets, h.Sum + value, h.Count + 1);
                }
                else if (IsObservable)
                {
                    _values[labels] = value;
                }
                else
                {
                    _values[labels] = _values.GetValueOrDefault(labels) + value;
                }
            }
        }

        public void Write(StringBuilder sb)
        {
            var name = MetricName(Instrument.Name);
            lock (_gate)
            {
                if (IsHistogram)
                {
                    sb.Append("# HELP ").Append(name).Append(' ').Append(Help()).Append('\n');
                    sb.Append("# TYPE ").Append(name).Append(" histogram\n");
                    foreach (var (labels, h) in _histograms.OrderBy(kv => kv.Key, StringComparer.Ordinal))
                    {
                        long cumulative = 0;
                        for (var i = 0; i <= Bounds.Length; i++)
                        {
                            cumulative += h.Buckets[i];
                            var le = i < Bounds.Length ? Bounds[i].ToString("R", CultureInfo.InvariantCulture) : "+Inf";
                            var all = labels.Length == 0 ? $"le=\"{le}\"" : $"{labels},le=\"{le}\"";
                            sb.Append(name).Append("_bucket{").Append(all).Append("} ").Append(cumulative.ToString(CultureInfo.InvariantCulture)).Append('\n');
                        }

                        sb.Append(name).Append("_sum").Append(Braces(labels)).Append(' ').Append(Number(h.Sum)).Append('\n');
                        sb.Append(name).Append("_count").Append(Braces(labels)).Append(' ').Append(h.Count.ToString(CultureInfo.InvariantCulture)).Append('\n');
                    }

                    return;
                }

                var full = IsCounter ? name + "_total" : name;
                sb.Append("# HELP ").Append(full).Append(' ').Append(Help()).Append('\n');
                sb.Append("# TYPE ").Append(full).Append(IsCounter ? " counter\n" : " gauge\n");
                foreach (var (labels, v) in _values.OrderBy(kv => kv.Key, StringComparer.Ordinal))
                {
                    sb.Append(full).Append(Braces(labels)).Append(' ').Append(Number(v)).Append('\n');
                }
            }
        }

        private string Help() => (Instrument.Description ?? Instrument.Name).Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal);

        private static string Braces(string labels) => labels.Length == 0 ? string.Empty : "{" + labels + "}";

        private static string Number(double v) => v.ToString("R", CultureInfo.InvariantCulture);
    }
}
