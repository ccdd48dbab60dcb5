using System.Text.RegularExpressions;
using Buquet.Actors.Client;
using Buquet.Actors.Protocol;
using Buquet.Actors.Protocol.Transitions;
using Buquet.Actors.Storage;
using Buquet.Host.Cli;
using Buquet.Host.Tests.Support;

namespace Buquet.Host.Tests.Cli;

/// <summary><c>replay --help</c> and <c>archive --help</c> name exactly the statuses the command accepts.</summary>
public sealed class OperationHelpTests
{
    private static readonly BuquetTaskStatus[] Statuses = Enum.GetValues<BuquetTaskStatus>();

    [Theory]
    [InlineData("replay")]
    [InlineData("archive")]
    public async Task Help_StatusesNamed_AreExactlyTheStatusesAccepted(string verb)
    {
        var help = await InProcessCli.RunAsync([verb, "--help"]);
        var named = Statuses.Where(s => Regex.IsMatch(help.Stdout, $@"\b{TaskStatusNames.ToWire(s)}\b")).ToHashSet();

        var accepted = new HashSet<BuquetTaskStatus>();
        foreach (var status in Statuses.Where(s => s != BuquetTaskStatus.Archived || verb != "archive"))
        {
            var store = new InMemoryObjectStore();
            var client = new BuquetClient(store);
            var task = await client.SubmitAsync("t", new { });
            var moved = await client.Repository.ApplyAsync(task.Id, (t, now) => TransitionResult.Applied(t with { Status = status, UpdatedAt = now }));
            Assert.True(moved.Succeeded || status == BuquetTaskStatus.Pending, moved.Message);
            var run = await InProcessCli.RunAsync([verb, task.Id.ToString(), "--store", "memory"], (_, _) => Task.FromResult<IObjectStore>(store));
            if (run.ExitCode == ExitCodes.Ok)
            {
                accepted.Add(status);
            }
            else
            {
                Assert.Contains("Cannot " + verb, run.Stderr);
            }
        }

        Assert.Equal(accepted.Order(), named.Order());
    }
}
