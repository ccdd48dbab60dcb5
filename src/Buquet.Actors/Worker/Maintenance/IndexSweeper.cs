using Buquet.Actors.Protocol;
using Buquet.Actors.Protocol.Json;
using Buquet.Actors.Protocol.Transitions;
using Buquet.Actors.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Buquet.Actors.Worker.Maintenance;

/// <summary>The three prefixes the sweeper walks in each shard, in this order.</summary>
internal enum SweepPhase
{
    ReadyKeys,
    LeaseKeys,
    TaskObjects,
}

/// <summary>Where the next <see cref="IndexSweeper.StepAsync"/> continues: the phase (its whole prefix) and the last key examined.</summary>
internal sealed record SweepCursor(SweepPhase Phase, string? After)
{
    public static SweepCursor Start { get; } = new(SweepPhase.ReadyKeys, null);
}

/// <summary>What one sweep step did.</summary>
internal sealed record SweepReport(
    int Examined,
    int StaleKeysDeleted,
    int KeysMoved,
    int Expired,
    int ReadyKeysCreated,
    int LeaseKeysCreated,
    int Recovered,
    int Malformed,
    bool PassCompleted);

/// <summary>
/// The index sweeper (protocol §3.11, continuous mode, fixed): one cursor walks three whole prefixes in turn
/// (<c>ready/</c> → <c>leases/</c> → <c>tasks/</c>, every shard in one listing each, so an empty bucket costs three
/// LISTs per pass rather than three per shard), examining at most <see cref="MaxObjectsPerStep"/> objects per call, and
/// continues where the previous call stopped, wrapping around. Keys of shards outside the configured
/// <see cref="ShardSpace"/> are listed but left alone. The store clock is read only for pages that hold objects.
/// Unlike buquet's embedded sweeper, the cursor lives as long as this instance (the monitor keeps it), so the task
/// phase, which repairs the crash window (<see cref="CrashWindowRepair"/>), is always reached.
/// </summary>
/// <remarks>
/// Ready key: task missing or not pending ⇒ delete; pending past its TTL ⇒ T11 expire; wrong bucket ⇒ move.
/// Lease key: task missing, not running or without a deadline ⇒ delete; wrong bucket ⇒ move.
/// Task object: see <see cref="CrashWindowRepair"/>. Every delete is verified against a fresh read
/// (<see cref="TaskRepository.DeleteStaleIndexAsync"/>); every write to a task is a CAS, so concurrent sweepers are safe.
/// Objects that are not index keys are left alone. Not thread-safe: one caller at a time.
/// </remarks>
internal sealed class IndexSweeper
{
    private readonly TaskRepository _repository;
    private readonly CrashWindowRepair _repair;
    private readonly ILogger _logger;
    private readonly HashSet<string> _shards;

    public IndexSweeper(TaskRepository repository, Func<double> random, int maxObjectsPerStep = 1000, int pageSize = 1000, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(repository);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxObjectsPerStep, 1);
        if (pageSize is < 1 or > 1000)
        {
            throw new ArgumentOutOfRangeException(nameof(pageSize), pageSize, "Sweep page size must be 1..1000.");
        }

        _repository = repository;
        _logger = logger ?? NullLogger.Instance;
        _repair = new CrashWindowRepair(repository, random, logger: _logger);
        _shards = new HashSet<string>(repository.Shards.All, StringComparer.Ordinal);
        MaxObjectsPerStep = maxObjectsPerStep;
        PageSize = pageSize;
    }

    public int MaxObjectsPerStep { get; }

    public int PageSize { get; }

    /// <summary>Where the next step starts.</summary>
    public SweepCursor Cursor { get; private set; } = SweepCursor.Start;

    /// <summary>Examines up to <see cref="MaxObjectsPerStep"/> objects from <see cref="Cursor"/> on.</summary>
    public async Task<SweepReport> StepAsync(CancellationToken cancellationToken = default)
    {
        var tally = new Tally();
        var segments = 0;
        while (tally.Examined < MaxObjectsPerStep && segments <= 3)
        {
            var cursor = Cursor;
            var budget = Math.Min(PageSize, MaxObjectsPerStep - tally.Examined);
            var page = await _repository.Store.ListAsync(new ListRequest(PrefixOf(cursor.Phase), cursor.After, budget), cancellationToken);
            DateTimeOffset? now = null;
            foreach (var obj in page.Objects)
            {
                tally.Examined++;
                if (InSpace(obj.Key))
                {
                    now ??= await _repository.Clock.NowAsync(cancellationToken);
                    await ExamineAsync(cursor.Phase, obj, now.Value, tally, cancellationToken);
                }

                Cursor = cursor with { After = obj.Key };
            }

            if (!page.IsTruncated)
            {
                segments++;
                Cursor = Next(cursor);
                if (Cursor == SweepCursor.Start)
                {
                    tally.PassCompleted = true;
                    break;
                }
            }
        }

        return tally.ToReport();
    }

    /// <summary>On-demand mode: steps until one whole pass over every shard and phase completed.</summary>
    public async Task<SweepReport> SweepAllAsync(CancellationToken cancellationToken = default)
    {
        Cursor = SweepCursor.Start;
        var total = new Tally();
        while (true)
        {
            var step = await StepAsync(cancellationToken);
            total.Add(step);
            if (step.PassCompleted)
            {
                return total.ToReport();
            }
        }
    }

    private static SweepCursor Next(SweepCursor cursor) => cursor.Phase switch
    {
        SweepPhase.ReadyKeys => new SweepCursor(SweepPhase.LeaseKeys, null),
        SweepPhase.LeaseKeys => new SweepCursor(SweepPhase.TaskObjects, null),
        _ => SweepCursor.Start,
    };

    private static string PrefixOf(SweepPhase phase) => phase switch
    {
        SweepPhase.ReadyKeys => TaskKeys.ReadyRoot,
        SweepPhase.LeaseKeys => TaskKeys.LeasesRoot,
        _ => TaskKeys.TasksRoot,
    };

    /// <summary>True when the key's shard (its second segment) is in the configured space.</summary>
    private bool InSpace(string key)
    {
        var start = key.IndexOf('/', StringComparison.Ordinal) + 1;
        var end = start > 0 ? key.IndexOf('/', start) : -1;
        return end > start && _shards.Contains(key[start..end]);
    }

    private async Task ExamineAsync(SweepPhase phase, ObjectInfo obj, DateTimeOffset now, Tally tally, CancellationToken cancellationToken)
    {
        if (phase == SweepPhase.TaskObjects)
        {
            if (TaskKeys.TryParseTaskKey(obj.Key, out _, out _))
            {
                tally.Count(await _repair.RepairAsync(obj, now, cancellationToken));
            }

            return;
        }

        if (!TaskKeys.TryParseIndexKey(obj.Key, out var key))
        {
            return;
        }

        var kind = phase == SweepPhase.ReadyKeys ? IndexKind.Ready : IndexKind.Lease;
        var taskKey = TaskRepository.TaskKeyOf(key);
        TaskSnapshot? snapshot;
        try
        {
            snapshot = await _repository.GetByKeyAsync(taskKey, cancellationToken);
        }
        catch (MalformedObjectException ex)
        {
            tally.Malformed++;
            _logger.LogWarning("Index key {Key} points at a malformed task: {Problem}", obj.Key, ex.Problem);
            return;
        }

        if (kind == IndexKind.Ready && snapshot is { Task: { Status: BuquetTaskStatus.Pending } pending } && pending.IsExpiredAt(now))
        {
            var expired = await _repository.ApplyAsync(snapshot, (t, n) => TaskTransitions.Expire(t, n, new ExpireRequest()), cancellationToken);
            if (expired.Status == CasStatus.Written)
            {
                tally.Expired++;
            }

            snapshot = expired.Snapshot ?? snapshot;
        }

        var expected = TaskRepository.ExpectedIndexKey(snapshot?.Task, kind);
        if (expected == obj.Key)
        {
            return;
        }

        var moved = expected is not null && await _repository.EnsureIndexAsync(expected, cancellationToken);
        // A young key may belong to a create, claim or retry whose CAS has not landed yet: kept (the invariant of TaskRepository.Indexes.cs).
        if (await _repository.DeleteStaleIndexAsync(obj, taskKey, kind, now, cancellationToken))
        {
            if (moved)
            {
                tally.Moved++;
            }
            else
            {
                tally.Deleted++;
            }
        }
    }

    private sealed class Tally
    {
        public int Examined;
        public int Deleted;
        public int Moved;
        public int Expired;
        public int ReadyCreated;
        public int LeaseCreated;
        public int Recovered;
        public int Malformed;
        public bool PassCompleted;

        public void Count(RepairAction action)
        {
            switch (action)
            {
                case RepairAction.ReadyKeyCreated: ReadyCreated++; break;
                case RepairAction.LeaseKeyCreated: LeaseCreated++; break;
                case RepairAction.Expired: Expired++; break;
                case RepairAction.Recovered: Recovered++; break;
                case RepairAction.Malformed: Malformed++; break;
                default: break;
            }
        }

        public void Add(SweepReport r)
        {
            Examined += r.Examined;
            Deleted += r.StaleKeysDeleted;
            Moved += r.KeysMoved;
            Expired += r.Expired;
            ReadyCreated += r.ReadyKeysCreated;
            LeaseCreated += r.LeaseKeysCreated;
            Recovered += r.Recovered;
            Malformed += r.Malformed;
            PassCompleted |= r.PassCompleted;
        }

        public SweepReport ToReport() => new(Examined, Deleted, Moved, Expired, ReadyCreated, LeaseCreated, Recovered, Malformed, PassCompleted);
    }
}
