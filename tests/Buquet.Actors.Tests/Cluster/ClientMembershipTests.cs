using System.Collections;
using Akka.Actor;
using Akka.Cluster.Tools.PublishSubscribe;
using Buquet.Actors.Client;
using Buquet.Actors.Cluster;
using Buquet.Actors.Configuration;
using Buquet.Actors.Hosting;
using Buquet.Actors.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Buquet.Actors.Tests.Cluster;

/// <summary>
/// One fleet membership per host (issue 20): an <c>AddBuquet</c>-only host is a publish-only member whose submits and
/// cancels are pushed; a host with a worker too is one member; with the cluster off there is none. Real remoting on
/// loopback, real time: the S3 path is slowed to ten minutes so that only a push can move a task within the guard.
/// </summary>
public sealed class ClientMembershipTests
{
    private static readonly TimeSpan Guard = TimeSpan.FromSeconds(30);

    private static IHost BuildHost(IObjectStore store, bool cluster, string? seed, Action<BuquetWorkerBuilder>? worker)
    {
        var config = BuquetConfiguration.Build(null, new Hashtable(), [
            new("buquet:store:kind", "memory"),
            new("buquet:queue:wake-hints", "false"), // no hint: a task moves by push or by the 10-minute poll
            new("buquet:worker:concurrency", "1"),
            new("buquet:worker:cancel-check-interval", "0"), // cancels seen at lease renewal (100 s) or pushed
            new("buquet:worker:polling:strategy", "fixed"),
            new("buquet:worker:polling:interval", "10m"),
            new("buquet:worker:polling:idle-max-interval", "10m"),
            new("buquet:monitor:enabled", "false"),
            new("buquet:scheduler:enabled", "false"),
            new("buquet:cluster:enabled", cluster ? "true" : "false"),
            new("buquet:cluster:port", "0"),
            new("buquet:cluster:bind-hostname", "127.0.0.1"),
            new("buquet:cluster:public-hostname", "127.0.0.1"),
            new("buquet:cluster:seed-nodes", seed ?? ""),
        ]);
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Services.AddSingleton(store);
        builder.Services.AddBuquet(config);
        if (worker is not null)
        {
            builder.Services.AddBuquetWorker(b =>
            {
                worker(b);
                b.SetExitCode = _ => { };
            });
        }

        return builder.Build();
    }

    private static FleetCluster Member(IHost host) => host.Services.GetRequiredService<FleetMembership>().Fleet!;

    private static async Task<T> WithinGuardAsync<T>(Task<T> signal, string what)
    {
        try
        {
            return await signal.WaitAsync(Guard);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"{what}: not within {Guard}");
        }
    }

    /// <summary>Waits until the client's member knows the worker's ready subscription (it replicates by gossip).</summary>
    private static async Task UntilReadyTopicKnownAsync(FleetCluster client, Task never)
    {
        var start = TimeProvider.System.GetTimestamp();
        while (true)
        {
            var system = client.CurrentSystem ?? throw new InvalidOperationException("the client's cluster system stopped");
            var topics = await DistributedPubSub.Get(system).Mediator.Ask<CurrentTopics>(GetTopics.Instance, TimeSpan.FromSeconds(5));
            if (topics.Topics.Contains(FleetBridge.ReadyTopic))
            {
                return;
            }

            Assert.True(TimeProvider.System.GetElapsedTime(start) < Guard, "the worker's ready subscription never reached the client's member");
            try
            {
                await never.WaitAsync(TimeSpan.FromMilliseconds(100)); // a bounded wait between asks (never completes first)
            }
            catch (TimeoutException)
            {
            }
        }
    }

    [Fact]
    public async Task AddBuquet_ClientOnlyHostInAWorkersCluster_SubmitIsPushedAndCancelReachesTheHandler()
    {
        var store = new InMemoryObjectStore(TimeProvider.System);
        var started = new TaskCompletionSource<Guid>(TaskCreationOptions.RunContinuationsAsynchronously);
        var cancelled = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        using var workerHost = BuildHost(store, cluster: true, seed: null, b => b.AddHandler<object>("block", async (_, ctx) =>
        {
            started.TrySetResult(ctx.TaskId);
            var token = ctx.CancellationToken;
            token.Register(() => cancelled.TrySetResult(true));
            await cancelled.Task;
            token.ThrowIfCancellationRequested();
        }));
        await workerHost.StartAsync();
        var port = Member(workerHost).SelfAddress!.Port;
        using var clientHost = BuildHost(store, cluster: true, seed: $"127.0.0.1:{port}", worker: null);
        var clustered = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        var member = Member(clientHost);
        member.StatusChanged += s => _ = s.Members >= 2 ? clustered.TrySetResult(true) : false;
        await clientHost.StartAsync();
        if (member.Status.Members < 2)
        {
            await WithinGuardAsync(clustered.Task, "client host clustered with the worker");
        }

        await UntilReadyTopicKnownAsync(member, started.Task);
        var client = clientHost.Services.GetRequiredService<BuquetClient>();

        var task = await client.SubmitAsync("block", new { });
        var running = await WithinGuardAsync(started.Task, "pushed task claimed");
        await client.CancelAsync(task.Id);
        var cancelledInHandler = await WithinGuardAsync(cancelled.Task, "pushed cancel reached the handler");

        Assert.Equal(task.Id, running);
        Assert.True(cancelledInHandler);
        Assert.False(member.HasWorker);
        await clientHost.StopAsync();
        await workerHost.StopAsync();
    }

    [Fact]
    public async Task AddBuquetAndAddBuquetWorker_ClusterOn_OneMemberServesClientAndWorker()
    {
        var store = new InMemoryObjectStore(TimeProvider.System);
        using var host = BuildHost(store, cluster: true, seed: null, b => b.AddHandler<object>("noop", (_, _) => Task.CompletedTask));

        await host.StartAsync();
        var membership = host.Services.GetRequiredService<FleetMembership>();
        var member = membership.Fleet!;
        var hosted = host.Services.GetServices<IHostedService>().OfType<FleetMembership>().ToList();

        Assert.True(member.HasWorker); // the worker's inbox went to the membership the host started publish-only
        Assert.Same(membership, Assert.Single(hosted));
        Assert.Throws<InvalidOperationException>(() => member.Start(FleetInbox.PublishOnly));
        await host.StopAsync();
    }

    [Fact]
    public async Task AddBuquet_ClusterOff_NoMember()
    {
        var store = new InMemoryObjectStore(TimeProvider.System);
        using var host = BuildHost(store, cluster: false, seed: null, b => b.AddHandler<object>("noop", (_, _) => Task.CompletedTask));

        await host.StartAsync();
        var member = host.Services.GetRequiredService<FleetMembership>().Fleet;
        await host.StopAsync();

        Assert.Null(member);
    }
}
