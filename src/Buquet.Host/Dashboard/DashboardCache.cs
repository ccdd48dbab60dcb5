using Buquet.Actors.Protocol;
using Buquet.Actors.Protocol.Json;
using Buquet.Actors.Scheduling;
using Buquet.Actors.Storage;

namespace Buquet.Host.Dashboard;

/// <summary>Per-refresh request budget of the dashboard cache.</summary>
internal sealed record DashboardCacheOptions
{
    /// <summary>LIST pages of the rolling index/task scan per refresh.</summary>
    public int MaxListPagesPerRefresh { get; init; } = 4;

    /// <summary>GETs of changed objects per refresh; the rest wait for the next refresh.</summary>
    public int MaxGetsPerRefresh { get; init; } = 50;

    /// <summary>Keys per LIST page (1..1000).</summary>
    public int ListPageSize { get; init; } = 1000;

    /// <summary>How often the background loop refreshes.</summary>
    public TimeSpan RefreshInterval { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// The most store requests one refresh after warm-up can cost: a store-clock sync (PUT + HEAD), the rolling scan's
    /// pages, one LIST each of <c>workers/</c>, <c>schedules/</c> and <c>schedule-options/</c> (time zones; skipped
    /// when there is no schedule), and the GET budget.
    /// </summary>
    public int RequestBudget => 2 + MaxListPagesPerRefresh + 3 + MaxGetsPerRefresh;
}

/// <summary>
/// Server-side view of the bucket the dashboard renders from. Fed by incremental listings: a rolling cursor over
/// <c>leases/</c>, <c>ready/</c> and <c>tasks/</c> (a bounded number of LIST pages per refresh, continuing where the last
/// refresh stopped) plus GETs of only the objects whose ETag changed (a bounded number per refresh). Index keys of
/// tasks the cache does not know as pending/running are fetched first, so new submissions and claims show quickly.
/// After warm-up a refresh costs at most <see cref="DashboardCacheOptions.RequestBudget"/> requests, whatever the
/// queue size; a larger queue only takes more refreshes to re-verify every task.
/// </summary>
internal sealed partial class DashboardCache
{
    private static readonly string[] Roots = [TaskKeys.LeasesRoot, TaskKeys.ReadyRoot, TaskKeys.TasksRoot];

    private readonly IObjectStore _store;
    private readonly IStoreClock _clock;
    private readonly DashboardCacheOptions _options;
    private readonly SemaphoreSlim _refreshGate = new(1, 1);
    private readonly object _gate = new();

    // Guarded by _gate.
    private readonly Dictionary<string, CachedTask> _tasks = new(StringComparer.Ordinal);
    private readonly Dictionary<string, CachedObject<WorkerInfo>> _workers = new(StringComparer.Ordinal);
    private readonly Dictionary<string, CachedObject<Schedule>> _schedules = new(StringComparer.Ordinal);
    private readonly Dictionary<string, CachedObject<ScheduleLastRun>> _lastRuns = new(StringComparer.Ordinal);
    private readonly Dictionary<string, CachedObject<ScheduleExtensions>> _extensions = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _malformed = new(StringComparer.Ordinal);

    // Guarded by _refreshGate.
    private readonly HashSet<string> _seenThisPass = new(StringComparer.Ordinal);
    private readonly LinkedList<string> _fetchQueue = new();
    private readonly HashSet<string> _queued = new(StringComparer.Ordinal);
    private int _root;
    private int _pass;
    private string? _continuation;

    private volatile DashboardSnapshot _snapshot = DashboardSnapshot.Empty;

    public DashboardCache(IObjectStore store, IStoreClock clock, DashboardCacheOptions? options = null)
    {
        _store = store ?? throw new ArgumentNullException(nameof(store));
        _clock = clock ?? throw new ArgumentNullException(nameof(clock));
        _options = options ?? new DashboardCacheOptions();
        if (_options.ListPageSize is < 1 or > 1000)
        {
            throw new ArgumentOutOfRangeException(nameof(options), _options.ListPageSize, "ListPageSize must be 1..1000.");
        }
    }

    public DashboardCacheOptions Options => _options;

    /// <summary>Bumped on every published snapshot; live streams (<c>/events</c>) wait on it.</summary>
    public ChangeSignal Changes { get; } = new();

    /// <summary>The latest consistent view; never null.</summary>
    public DashboardSnapshot Snapshot => _snapshot;

    /// <summary>True once a full pass over <c>tasks/</c> has completed.</summary>
    public bool IsWarm { get; private set; }

    /// <summary>Lists and fetches everything once (unbounded), so the first page shows the whole queue.</summary>
    public Task WarmUpAsync(CancellationToken cancellationToken = default) => RefreshAsync(warmUp: true, cancellationToken);

    /// <summary>One bounded refresh.</summary>
    public Task RefreshAsync(CancellationToken cancellationToken = default) => RefreshAsync(warmUp: false, cancellationToken);

    /// <summary>Puts a task the dashboard itself just wrote into the view (the next listing re-reads it by ETag).</summary>
    public void Upsert(TaskRecord task)
    {
        lock (_gate)
        {
            _tasks[task.Key] = new CachedTask(task, null, Volatile.Read(ref _pass));
        }

        Publish(_snapshot.Now);
    }

    private async Task RefreshAsync(bool warmUp, CancellationToken ct)
    {
        await _refreshGate.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            var now = await _clock.NowAsync(ct).ConfigureAwait(false);
            await ScanAsync(warmUp, ct).ConfigureAwait(false);
            await RefreshSmallPrefixesAsync(ct).ConfigureAwait(false);
            await FetchQueuedAsync(warmUp ? int.MaxValue : _options.MaxGetsPerRefresh, ct).ConfigureAwait(false);
            Publish(now);
        }
        finally
        {
            _refreshGate.Release();
        }
    }

    private async Task ScanAsync(bool warmUp, CancellationToken ct)
    {
        var pages = warmUp ? int.MaxValue : _options.MaxListPagesPerRefresh;
        var startRoot = _root;
        var wrapped = false;
        while (pages-- > 0 && !wrapped)
        {
            var root = Roots[_root];
            var page = await _store.ListAsync(new ListRequest(root, MaxKeys: _options.ListPageSize, ContinuationToken: _continuation), ct).ConfigureAwait(false);
            foreach (var obj in page.Objects)
            {
                Observe(root, obj);
            }

            _continuation = page.NextContinuationToken;
            if (_continuation is not null)
            {
                continue;
            }

            if (root == TaskKeys.TasksRoot)
            {
                CompleteTaskPass();
                if (warmUp)
                {
                    IsWarm = true;
                    _root = 0;
                    return;
                }
            }

            _root = (_root + 1) % Roots.Length;
            wrapped = _root == startRoot;
        }
    }

    private void Observe(string root, ObjectInfo obj)
    {
        if (root == TaskKeys.TasksRoot)
        {
            if (!TaskKeys.TryParseTaskKey(obj.Key, out _, out _))
            {
                return;
            }

            _seenThisPass.Add(obj.Key);
            bool changed;
            lock (_gate)
            {
                changed = !_tasks.TryGetValue(obj.Key, out var cached) || cached.ETag != obj.ETag;
            }

            if (changed)
            {
                Enqueue(obj.Key, urgent: false);
            }

            return;
        }

        if (!TaskKeys.TryParseIndexKey(obj.Key, out var index))
        {
            return;
        }

        var taskKey = TaskKeys.Task(index.Shard, index.TaskId);
        var expected = index.Kind == IndexKind.Lease ? BuquetTaskStatus.Running : BuquetTaskStatus.Pending;
        bool stale;
        lock (_gate)
        {
            stale = !_tasks.TryGetValue(taskKey, out var cached) || (cached.Task.Status != expected && !cached.Task.IsTerminal);
        }

        if (stale)
        {
            Enqueue(taskKey, urgent: true);
        }
    }

    private void CompleteTaskPass()
    {
        lock (_gate)
        {
            // Keys fetched during this pass (e.g. new tasks found through ready/) may sort before the cursor: keep them.
            foreach (var key in _tasks.Where(kv => !_seenThisPass.Contains(kv.Key) && kv.Value.Pass < _pass).Select(kv => kv.Key).ToList())
            {
                _tasks.Remove(key);
            }

            foreach (var key in _malformed.Keys.Where(k => !_seenThisPass.Contains(k)).ToList())
            {
                _malformed.Remove(key);
            }
        }

        _seenThisPass.Clear();
        Interlocked.Increment(ref _pass);
    }

    private void Enqueue(string key, bool urgent)
    {
        if (!_queued.Add(key))
        {
            return;
        }

        if (urgent)
        {
            _fetchQueue.AddFirst(key);
        }
        else
        {
            _fetchQueue.AddLast(key);
        }
    }
}
