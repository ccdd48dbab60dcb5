using Buquet.Actors.Cluster;
using Buquet.Actors.Configuration;
using Buquet.Actors.Protocol;
using Buquet.Host.Dashboard;

namespace Buquet.Host.Tests.Dashboard;

/// <summary><c>buquet serve</c> as a publish-only fleet member (issue 20): its actions push through the member.</summary>
public sealed class DashboardFleetTests
{
    [Fact]
    public async Task FleetMember_ClusterOff_None()
    {
        var options = new BuquetOptions();

        await using var fleet = DashboardHost.FleetMember(options, TimeProvider.System);

        Assert.Null(fleet);
    }

    [Fact]
    public async Task FleetMember_ClusterOn_StartsAPublishOnlyMember()
    {
        var options = new BuquetOptions();
        options.Cluster.Enabled = true;
        options.Cluster.Port = 0;
        options.Cluster.BindHostname = "127.0.0.1";
        options.Cluster.PublicHostname = "127.0.0.1";

        await using var fleet = DashboardHost.FleetMember(options, TimeProvider.System);

        Assert.NotNull(fleet);
        Assert.NotNull(fleet.CurrentSystem);
        Assert.False(fleet.HasWorker);
        Assert.Throws<InvalidOperationException>(() => fleet.Start(FleetInbox.PublishOnly));
    }

    [Fact]
    public async Task CancelAction_RunningTaskDashboardClientIsAMember_PublishesTheCancel()
    {
        var signals = new CancelRecorder();
        await using var f = await DashboardFixture.StartAsync(fleet: signals);
        var task = await f.Client.SubmitAsync("job", new { });
        Assert.NotNull(await f.Client.Repository.ClaimAsync(task.Id, "w1")); // running: its holder is told at once

        using var response = await f.ConfirmActionAsync(task.Id, "cancel");

        Assert.Equal([task.Id], signals.Cancels);
    }

    private sealed class CancelRecorder : IFleetSignals
    {
        private readonly List<Guid> _cancels = [];

        public IReadOnlyList<Guid> Cancels
        {
            get
            {
                lock (_cancels)
                {
                    return [.. _cancels];
                }
            }
        }

        public void TaskReady(string readyKey)
        {
        }

        public void TaskReady(string readyKey, string taskType)
        {
        }

        public void HintTouched(string etag)
        {
        }

        public void HintRelayed(string etag)
        {
        }

        public void CancelRequested(Guid taskId)
        {
            lock (_cancels)
            {
                _cancels.Add(taskId);
            }
        }
    }
}
