using System.Collections.Concurrent;
using Buquet.Actors.Protocol;

namespace Buquet.Actors.Tests.Cluster;

/// <summary>An <see cref="IFleetSignals"/> that records what a member would publish. Thread-safe.</summary>
internal sealed class RecordingFleetSignals : IFleetSignals
{
    private readonly ConcurrentQueue<string> _ready = new();
    private readonly ConcurrentQueue<string> _touched = new();
    private readonly ConcurrentQueue<string> _relayed = new();

    public IReadOnlyList<string> Ready => [.. _ready];

    public IReadOnlyList<string> Touched => [.. _touched];

    public IReadOnlyList<string> Relayed => [.. _relayed];

    public void TaskReady(string readyKey) => _ready.Enqueue(readyKey);

    public void CancelRequested(Guid taskId)
    {
    }

    public void HintTouched(string etag) => _touched.Enqueue(etag);

    public void HintRelayed(string etag) => _relayed.Enqueue(etag);
}
