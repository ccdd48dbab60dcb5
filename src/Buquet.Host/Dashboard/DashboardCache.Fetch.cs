using Buquet.Actors.Protocol;
using Buquet.Actors.Protocol.Json;
using Buquet.Actors.Scheduling;
using Buquet.Actors.Storage;

namespace Buquet.Host.Dashboard;

internal sealed partial class DashboardCache
{
    private const int FetchParallelism = 8;

    private async Task RefreshSmallPrefixesAsync(CancellationToken ct)
    {
        var workers = new List<ObjectInfo>();
        await foreach (var entry in WorkerDirectory.ListEntriesAsync(_store, limit: 1000, ct).ConfigureAwait(false))
        {
            workers.Add(entry.Object);
        }
        var schedules = await _store.ListAsync(new ListRequest(TaskKeys.SchedulesRoot, MaxKeys: 1000), ct).ConfigureAwait(false);
        IReadOnlyList<ObjectInfo> options = schedules.Objects.Count == 0
            ? []
            : (await _store.ListAsync(new ListRequest(ScheduleExtensionsJson.Root, MaxKeys: 1000), ct).ConfigureAwait(false)).Objects;
        lock (_gate)
        {
            Prune(_workers, workers);
            Prune(_schedules, schedules.Objects);
            Prune(_lastRuns, schedules.Objects);
            Prune(_extensions, options);
            foreach (var o in options.Where(o => ScheduleExtensionsJson.IdOf(o.Key) is not null))
            {
                if (!_extensions.TryGetValue(o.Key, out var c) || c.ETag != o.ETag)
                {
                    Enqueue(o.Key, urgent: true);
                }
            }

            foreach (var o in workers)
            {
                if (!_workers.TryGetValue(o.Key, out var c) || c.ETag != o.ETag)
                {
                    Enqueue(o.Key, urgent: true);
                }
            }

            foreach (var o in schedules.Objects)
            {
                var changed = TaskKeys.IsScheduleKey(o.Key)
                    ? !_schedules.TryGetValue(o.Key, out var s) || s.ETag != o.ETag
                    : o.Key.EndsWith(TaskKeys.LastRunSuffix, StringComparison.Ordinal) && (!_lastRuns.TryGetValue(o.Key, out var r) || r.ETag != o.ETag);
                if (changed)
                {
                    Enqueue(o.Key, urgent: true);
                }
            }
        }
    }

    private static void Prune<T>(Dictionary<string, CachedObject<T>> map, IReadOnlyList<ObjectInfo> listed)
    {
        var present = listed.Select(o => o.Key).ToHashSet(StringComparer.Ordinal);
        foreach (var key in map.Keys.Where(k => !present.Contains(k)).ToList())
        {
            map.Remove(key);
        }
    }

    private async Task FetchQueuedAsync(int budget, CancellationToken ct)
    {
        var batch = new List<string>();
        while (batch.Count < budget && _fetchQueue.First is { } node)
        {
            _fetchQueue.RemoveFirst();
            _queued.Remove(node.Value);
            batch.Add(node.Value);
        }

        await Parallel.ForEachAsync(batch, new ParallelOptions { MaxDegreeOfParallelism = FetchParallelism, CancellationToken = ct }, async (key, token) =>
        {
            var obj = await _store.GetAsync(key, token).ConfigureAwait(false);
            lock (_gate)
            {
                Apply(key, obj);
            }
        }).ConfigureAwait(false);
    }

    // Called under _gate.
    private void Apply(string key, StoredObject? obj)
    {
        try
        {
            if (key.StartsWith(TaskKeys.TasksRoot, StringComparison.Ordinal))
            {
                if (obj is null)
                {
                    _tasks.Remove(key);
                    return;
                }

                if (TaskJson.TryParse(obj.Body, key, out var task, out var error) && task is not null)
                {
                    _tasks[key] = new CachedTask(task, obj.ETag, Volatile.Read(ref _pass));
                    _malformed.Remove(key);
                }
                else
                {
                    _malformed[key] = error?.Problem ?? "unreadable";
                }
            }
            else if (key.StartsWith(TaskKeys.WorkersRoot, StringComparison.Ordinal))
            {
                Set(_workers, key, obj, o => ModelJson.ParseWorker(o.Body, key));
            }
            else if (key.StartsWith(ScheduleExtensionsJson.Root, StringComparison.Ordinal))
            {
                Set(_extensions, key, obj, o => ScheduleExtensionsJson.Parse(o.Body, key));
            }
            else if (TaskKeys.IsScheduleKey(key))
            {
                Set(_schedules, key, obj, o => ModelJson.ParseSchedule(o.Body, key));
            }
            else
            {
                Set(_lastRuns, key, obj, o => ModelJson.ParseLastRun(o.Body, key));
            }
        }
        catch (MalformedObjectException e)
        {
            _malformed[key] = e.Problem;
        }
    }

    private static void Set<T>(Dictionary<string, CachedObject<T>> map, string key, StoredObject? obj, Func<StoredObject, T> parse)
    {
        if (obj is null)
        {
            map.Remove(key);
        }
        else
        {
            map[key] = new CachedObject<T>(parse(obj), obj.ETag);
        }
    }

    /// <summary>Puts a schedule the dashboard itself just changed into the view (the next listing re-reads it by ETag).</summary>
    public void UpsertSchedule(ScheduleDefinition d)
    {
        var schedule = new Schedule(d.Id, d.TaskType, d.Input, d.Cron, d.Enabled, d.Timeout is { } t ? (long)t.TotalSeconds : null, d.MaxRetries, d.CreatedAt, d.UpdatedAt);
        lock (_gate)
        {
            _schedules[TaskKeys.Schedule(d.Id)] = new CachedObject<Schedule>(schedule, string.Empty);
        }

        Publish(_snapshot.Now);
    }

    /// <summary>Drops a schedule the dashboard itself just deleted from the view.</summary>
    public void RemoveSchedule(string id)
    {
        lock (_gate)
        {
            _schedules.Remove(TaskKeys.Schedule(id));
            _lastRuns.Remove(TaskKeys.ScheduleLastRun(id));
            _extensions.Remove(ScheduleExtensionsJson.Key(id));
        }

        Publish(_snapshot.Now);
    }

    private void Publish(DateTimeOffset now)
    {
        lock (_gate)
        {
            var lastRuns = _lastRuns.Values.ToDictionary(r => r.Value.ScheduleId, r => r.Value, StringComparer.Ordinal);
            var zones = _extensions.ToDictionary(e => ScheduleExtensionsJson.IdOf(e.Key)!, e => e.Value.Value.TimeZone, StringComparer.Ordinal);
            _snapshot = new DashboardSnapshot(
                now,
                _tasks.Values.Select(t => t.Task).ToArray(),
                _workers.Values.Select(w => w.Value).OrderBy(w => w.WorkerId, StringComparer.Ordinal).ToArray(),
                _schedules.Values.Select(s => new ScheduleView(s.Value, lastRuns.GetValueOrDefault(s.Value.Id), zones.GetValueOrDefault(s.Value.Id))).OrderBy(s => s.Schedule.Id, StringComparer.Ordinal).ToArray(),
                _malformed.ToDictionary(StringComparer.Ordinal),
                IsWarm);
        }

        Changes.Notify();
    }

    private sealed record CachedTask(TaskRecord Task, string? ETag, int Pass);

    private sealed record CachedObject<T>(T Value, string ETag);
}

/// <summary>A schedule with its firing cursor, when one exists, and the time zone of its extensions (<c>null</c> =
/// none stored: the scheduler's default zone applies).</summary>
internal sealed record ScheduleView(Schedule Schedule, ScheduleLastRun? LastRun, string? TimeZone = null);

/// <summary>An immutable view of the bucket at store time <see cref="Now"/>.</summary>
internal sealed record DashboardSnapshot(
    DateTimeOffset Now,
    IReadOnlyList<TaskRecord> Tasks,
    IReadOnlyList<WorkerInfo> Workers,
    IReadOnlyList<ScheduleView> Schedules,
    IReadOnlyDictionary<string, string> Malformed,
    bool Warm)
{
    public static DashboardSnapshot Empty { get; } = new(DateTimeOffset.MinValue, [], [], [], new Dictionary<string, string>(), false);
}
