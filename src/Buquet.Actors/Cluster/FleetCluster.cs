using Akka.Actor;
using Buquet.Actors.Protocol;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Buquet.Actors.Cluster;

/// <summary>
/// This process's membership in the clustered fleet (ADR 0026, INTERNAL API). The cluster lives in an actor system of
/// its own (<see cref="FleetClusterSettings.SystemName"/>), never the worker's: nothing that happens to it — seeds out
/// of reach, a partition, being downed or removed — can stop the worker or its host. When that system stops (this node
/// was downed or removed) a new one starts after <c>rejoin-delay</c> and joins again. Signals published while no
/// system runs are dropped: they are hints, and the S3 cadence covers them. Thread-safe.
/// </summary>
internal sealed class FleetCluster : IFleetSignals, IAsyncDisposable
{
    /// <summary>Longest wait for a graceful leave at dispose.</summary>
    internal static readonly TimeSpan LeaveTimeout = TimeSpan.FromSeconds(4);

    // Immutable after construction.
    private readonly FleetClusterSettings _settings;
    private readonly TimeProvider _time;
    private readonly ILoggerFactory _logs;
    private readonly ILogger _logger;
    private readonly IReadOnlyList<Address> _seedAddresses;

    // Guarded by _gate.
    private readonly object _gate = new();
    private FleetInbox? _inbox;
    private ActorSystem? _system;
    private IActorRef? _bridge;
    private ITimer? _restart;
    private bool _disposed;
    private int _generation;
    private FleetStatus _status = new(FleetState.Isolated, 0, 0);

    public FleetCluster(FleetClusterSettings settings, TimeProvider? time = null, ILoggerFactory? logs = null)
    {
        ArgumentNullException.ThrowIfNull(settings);
        _settings = settings;
        _time = time ?? TimeProvider.System;
        _logs = logs ?? NullLoggerFactory.Instance;
        _logger = _logs.CreateLogger<FleetCluster>();
        _ = settings.ToConfig(); // bad settings fail here, at construction, not in a background restart
        RemotingBuffers.PreferUnpooled(); // before DotNetty's first use in this process (ADR 0029)
        settings.Tls?.Load().Dispose(); // and an unreadable certificate too (ADR 0028)
        _seedAddresses = [.. settings.SeedNodes.Select(seed => Address.Parse(FleetClusterSettings.SeedAddress(seed, settings.Tls is null ? "akka.tcp" : "akka.ssl.tcp")))];
    }

    /// <summary>This node's state (isolated until it sees a reachable peer).</summary>
    public FleetStatus Status
    {
        get
        {
            lock (_gate)
            {
                return _status;
            }
        }
    }

    /// <summary>The running cluster system's address (tests: a peer's seed), or null between systems.</summary>
    public Address? SelfAddress
    {
        get
        {
            lock (_gate)
            {
                return _system is { } s ? Akka.Cluster.Cluster.Get(s).SelfAddress : null;
            }
        }
    }

    /// <summary>The running cluster system, or null between systems (tests: to crash it or down a peer).</summary>
    internal ActorSystem? CurrentSystem
    {
        get
        {
            lock (_gate)
            {
                return _system;
            }
        }
    }

    /// <summary>Fires with every status change (tests, logs); called outside any lock.</summary>
    public event Action<FleetStatus>? StatusChanged;

    /// <summary>True once a worker's inbox (one with a group) receives this member's pushes.</summary>
    public bool HasWorker
    {
        get
        {
            lock (_gate)
            {
                return _inbox?.Group is not null;
            }
        }
    }

    /// <summary>
    /// Starts the first cluster system, delivering pushed signals to <paramref name="inbox"/>. A member started
    /// publish-only (<see cref="FleetInbox.PublishOnly"/>, a client) takes a worker's inbox later in the same
    /// membership: the bridge switches to it and subscribes to its group (one process, one member).
    /// </summary>
    /// <exception cref="InvalidOperationException">Already started with a worker's inbox, or with a publish-only one for another publish-only start.</exception>
    public void Start(FleetInbox inbox)
    {
        ArgumentNullException.ThrowIfNull(inbox);
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_inbox is not null)
            {
                if (_inbox.Group is not null || inbox.Group is null)
                {
                    throw new InvalidOperationException("The fleet cluster is already started" + (_inbox.Group is null ? "." : " with a worker's inbox: one worker per fleet membership."));
                }

                _inbox = inbox; // a later system's bridge starts with it
                _bridge?.Tell(new FleetBridge.Attach(inbox));
                return;
            }

            _inbox = inbox;
        }

        StartSystem();
    }

    /// <summary>Starts this member publish-only unless it is started already (idempotent).</summary>
    public void EnsureStarted()
    {
        lock (_gate)
        {
            if (_inbox is not null || _disposed)
            {
                return;
            }

            _inbox = FleetInbox.PublishOnly;
        }

        StartSystem();
    }

    /// <inheritdoc />
    public void TaskReady(string readyKey) => Tell(new FleetBridge.Publish(FleetBridge.ReadyTopic, FleetBridge.ReadyKind + readyKey, OnePerGroup: true));

    /// <inheritdoc />
    public void TaskReady(string readyKey, string taskType) =>
        Tell(new FleetBridge.Publish(FleetBridge.ReadyTopic, FleetBridge.ReadyKind + readyKey + " " + taskType, OnePerGroup: true));

    /// <inheritdoc />
    public void HintTouched(string etag) => Tell(new FleetBridge.Publish(FleetBridge.HintTopic, FleetBridge.HintKind + etag));

    /// <inheritdoc />
    public void HintRelayed(string etag) => Tell(new FleetBridge.Publish(FleetBridge.HintTopic, FleetBridge.RelayKind + etag));

    /// <inheritdoc />
    public void CancelRequested(Guid taskId) => Tell(new FleetBridge.Publish(FleetBridge.CancelTopic, FleetBridge.CancelKind + taskId.ToString("N")));

    /// <summary>Leaves the cluster gracefully (bounded) and stops its system; no restart afterwards.</summary>
    public async ValueTask DisposeAsync()
    {
        ActorSystem? system;
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            _restart?.Dispose();
            system = _system;
            _system = null;
            _bridge = null;
        }

        if (system is not null)
        {
            var leave = CoordinatedShutdown.Get(system).Run(CoordinatedShutdown.ActorSystemTerminateReason.Instance);
            // Bounded below the 5 s default of the worker's service-stop phase, which runs this.
            if (await Task.WhenAny(leave, Task.Delay(LeaveTimeout, _time)).ConfigureAwait(false) != leave)
            {
                _logger.LogWarning("Leaving the fleet cluster took over {Timeout}; stopping its actor system without waiting", LeaveTimeout);
                _ = system.Terminate();
            }
        }
    }

    private void Tell(FleetBridge.Publish message)
    {
        IActorRef? bridge;
        lock (_gate)
        {
            bridge = _bridge;
        }

        bridge?.Tell(message);
    }

    private void StartSystem()
    {
        ActorSystem system;
        int generation;
        lock (_gate)
        {
            _restart?.Dispose();
            _restart = null;
            if (_disposed || _inbox is null)
            {
                return;
            }

            generation = ++_generation;
            system = ActorSystem.Create(FleetClusterSettings.SystemName, _settings.ToSetup(_time, _logs));
            _system = system;
            _bridge = system.ActorOf(FleetBridge.Props(_inbox, members => OnMembers(system, members)), "fleet-bridge");
            system.ActorOf(SeedProbe.Props(_seedAddresses, reason => LeaveToJoinSeeds(system, reason)), SeedProbe.Name);
        }

        var cluster = Akka.Cluster.Cluster.Get(system);
        if (_settings.Bootstrap is not null)
        {
            system.ActorOf(SeedDiscovery.Props(_logger), "seed-discovery"); // the seeds are the discovered pods (ADR 0028)
        }
        else if (_settings.SeedNodes.Count == 0)
        {
            cluster.Join(cluster.SelfAddress); // no seeds: this node forms a cluster of its own
        }

        // Downed or removed: this system can never rejoin (Akka), so it is stopped and replaced.
        cluster.RegisterOnMemberRemoved(() => _ = system.Terminate());
        system.WhenTerminated.ContinueWith(_ => OnTerminated(system), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        _logger.LogInformation("Fleet cluster system {Generation} started at {Address}; seeds: {Seeds}", generation, cluster.SelfAddress, _settings.Bootstrap is not null ? "discovered (kubernetes-api)" : _settings.SeedNodes.Count == 0 ? "none (forms its own cluster)" : string.Join(", ", _settings.SeedNodes));
        SetStatus(system, 0);
    }

    private void OnMembers(ActorSystem system, int members) => SetStatus(system, members);

    /// <summary>The seed probe found the fleet's cluster elsewhere: stop this system; the next one joins through the seeds.</summary>
    private void LeaveToJoinSeeds(ActorSystem system, string reason)
    {
        _logger.LogWarning("Fleet cluster: {Reason}; stopping this cluster system so that a new one joins through the seeds", reason);
        _ = system.Terminate();
    }

    private void SetStatus(ActorSystem system, int members)
    {
        FleetStatus status;
        lock (_gate)
        {
            if (!ReferenceEquals(system, _system))
            {
                return;
            }

            status = new FleetStatus(members >= 2 ? FleetState.Clustered : FleetState.Isolated, members, _generation);
            if (status == _status)
            {
                return;
            }

            _status = status;
        }

        _logger.LogInformation("Fleet cluster: {Status}; {Members} reachable member(s) Up, this node included", status, status.Members);
        StatusChanged?.Invoke(status);
    }

    private void OnTerminated(ActorSystem system)
    {
        FleetStatus status;
        lock (_gate)
        {
            if (_disposed || !ReferenceEquals(system, _system))
            {
                return;
            }

            _system = null;
            _bridge = null;
            _status = status = new FleetStatus(FleetState.Isolated, 0, _generation);
            _restart = _time.CreateTimer(_ => StartSystem(), null, _settings.RejoinDelay, Timeout.InfiniteTimeSpan);
        }

        _logger.LogWarning("Fleet cluster system stopped (this node was downed or removed, or left to join the seeds' cluster); the worker carries on over S3 and a new cluster system joins in {Delay}", _settings.RejoinDelay);
        StatusChanged?.Invoke(status);
    }
}
