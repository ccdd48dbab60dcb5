using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Buquet.Actors.Diagnostics;

namespace Buquet.Host.Bench;

/// <summary>
/// Listens, inside a benchmarked worker process, to the <see cref="WakeCounts.Instruments"/> of the
/// <c>Buquet.Actors</c> meter by name (a build without one of them simply never publishes it) and sums them by their
/// <c>path</c> tag. Thread-safe.
/// </summary>
internal sealed class WakeListener : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly ConcurrentDictionary<string, long> _counts = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, bool> _published = new(StringComparer.Ordinal);

    public WakeListener()
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == BuquetTelemetry.Name && WakeCounts.Instruments.Contains(instrument.Name))
            {
                _published[instrument.Name] = true;
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
        {
            var path = "untagged";
            foreach (var tag in tags)
            {
                if (tag.Key == "path")
                {
                    path = tag.Value?.ToString() ?? path;
                }
            }

            _counts.AddOrUpdate(instrument.Name + "/" + path, value, (_, n) => n + value);
        });
        _listener.Start();
    }

    public WakeCounts Snapshot() =>
        new(new Dictionary<string, long>(_counts, StringComparer.Ordinal), new HashSet<string>(_published.Keys, StringComparer.Ordinal));

    public void Dispose() => _listener.Dispose();
}
