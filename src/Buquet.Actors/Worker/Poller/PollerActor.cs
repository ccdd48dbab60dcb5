using Buquet.Actors.Kernel;
using Buquet.Actors.Storage;
using Microsoft.Extensions.Logging;

namespace Buquet.Actors.Worker.Poller;

/// <summary>
/// Polls the ready index of its shards, rotating the starting shard each poll for fairness, and hands the supervisor
/// at most as many candidates as it has free slots. Adaptive cadence: after a batch that claimed work it polls again
/// at once; after an empty poll it sleeps the jittered interval and grows it; on 503s it sleeps without growing.
/// While the supervisor has no free slot it waits for a <see cref="Poller.Capacity"/> message instead of polling.
/// </summary>
internal sealed class PollerActor : ReceiveActor
{
    private const string PollKey = "poll";

    // Immutable after construction.
    private readonly WorkerRuntime _runtime;
    private readonly IActorRef _supervisor;
    private readonly ILogger _logger;
    private readonly PollInterval _interval;

    // Actor-confined.
    private readonly Dictionary<string, ReadyIndexCursor> _cursors = new(StringComparer.Ordinal);
    private List<string> _shards;
    private int _rotation;
    private int _free;
    private bool _awaitingBatch;
    private bool _waitingForCapacity;
    private bool _stopped;

    public PollerActor(WorkerRuntime runtime, IActorRef supervisor, IReadOnlyList<string> shards)
    {
        _runtime = runtime;
        _supervisor = supervisor;
        _shards = [.. shards];
        _logger = runtime.LoggerFactory.CreateLogger<PollerActor>();
        _interval = new PollInterval(runtime.Settings.Polling, runtime.Random);
        ReceiveAsync<Poller.PollTick>(_ => PollAsync());
        Receive<Poller.Capacity>(OnCapacity);
        Receive<Poller.BatchResult>(OnBatchResult);
        Receive<Poller.SetShards>(m =>
        {
            _shards = [.. m.Shards];
            PollSoon();
        });
        Receive<Poller.StopPolling>(_ =>
        {
            _stopped = true;
            Timers.CancelAll();
        });
    }

    /// <summary>Polls performed (for tests and metrics).</summary>
    internal int Polls { get; private set; }

    protected override void PreStart() => _supervisor.Tell(Poller.Started.Instance, Self);

    private void OnCapacity(Poller.Capacity capacity)
    {
        var had = _free;
        _free = capacity.Free;
        if (_free > 0 && (had == 0 || _waitingForCapacity) && !_awaitingBatch && !Timers.IsTimerActive(PollKey))
        {
            _waitingForCapacity = false;
            Self.Tell(Poller.PollTick.Instance);
        }
    }

    private void OnBatchResult(Poller.BatchResult result)
    {
        _awaitingBatch = false;
        if (result.Claimed > 0)
        {
            _interval.Reset();
            Self.Tell(Poller.PollTick.Instance);
        }
        else
        {
            Schedule(_interval.NextIdle());
        }
    }

    private async Task PollAsync()
    {
        if (_stopped || _awaitingBatch)
        {
            return;
        }

        if (_free <= 0 || _shards.Count == 0)
        {
            _waitingForCapacity = _free <= 0;
            if (_shards.Count == 0)
            {
                Schedule(_interval.NextIdle());
            }

            return;
        }

        Polls++;
        List<Candidate> found;
        try
        {
            found = await ListAsync(_free);
        }
        catch (ObjectStoreUnavailableException ex)
        {
            _logger.LogWarning(ex, "Poll failed: object store unavailable; backing off");
            Schedule(_interval.NextAfterError());
            return;
        }

        if (found.Count == 0)
        {
            Schedule(_interval.NextIdle());
            return;
        }

        _awaitingBatch = true;
        _supervisor.Tell(new Poller.Candidates(found), Self);
    }

    private async Task<List<Candidate>> ListAsync(int max)
    {
        var now = await _runtime.Clock.NowAsync();
        var found = new List<Candidate>(max);
        var seen = new HashSet<Guid>();
        var start = _rotation++ % _shards.Count;
        for (var i = 0; i < _shards.Count && found.Count < max; i++)
        {
            var shard = _shards[(start + i) % _shards.Count];
            if (!_cursors.TryGetValue(shard, out var cursor))
            {
                cursor = new ReadyIndexCursor(shard);
                _cursors[shard] = cursor;
            }

            foreach (var candidate in await cursor.NextAsync(_runtime.Store, max - found.Count, now))
            {
                if (seen.Add(candidate.TaskId))
                {
                    found.Add(candidate);
                }
            }
        }

        return found;
    }

    private void PollSoon()
    {
        if (!_awaitingBatch && !_stopped)
        {
            Schedule(TimeSpan.Zero);
        }
    }

    private void Schedule(TimeSpan delay)
    {
        if (_stopped)
        {
            return;
        }

        if (delay <= TimeSpan.Zero)
        {
            Timers.Cancel(PollKey);
            Self.Tell(Poller.PollTick.Instance);
        }
        else
        {
            Timers.StartSingleTimer(PollKey, Poller.PollTick.Instance, delay);
        }
    }
}
