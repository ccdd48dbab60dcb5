using System.Text.Json;
using Buquet.Host.Tests.Support;

namespace Buquet.Host.Tests.Cli;

/// <summary>End-to-end runs of the built executable against the local-directory store.</summary>
public sealed class ListCommandTests : LocalCliTest
{
    [Fact]
    public async Task List_Json_HasTasksTokenAndMalformed()
    {
        var id = await SubmitAsync("listed");
        await SubmitAsync("other");

        var run = await Buquet.RunAsync("list", "-t", "listed", "--json");

        Assert.True(run.ExitCode == 0, run.ToString());
        using var doc = JsonDocument.Parse(run.Stdout);
        var tasks = doc.RootElement.GetProperty("tasks");
        Assert.Equal(1, tasks.GetArrayLength());
        Assert.Equal(id, tasks[0].GetProperty("id").GetString());
        Assert.Equal(JsonValueKind.Null, doc.RootElement.GetProperty("next_page_token").ValueKind);
        Assert.Equal(0, doc.RootElement.GetProperty("malformed").GetArrayLength());
    }

    [Fact]
    public async Task List_PagesWithToken_VisitsEveryTask()
    {
        var ids = new HashSet<string>();
        for (var i = 0; i < 3; i++)
        {
            ids.Add(await SubmitAsync("paged"));
        }

        var seen = new HashSet<string>();
        string? token = null;
        var pages = 0;
        do
        {
            string[] args = token is null ? ["list", "--limit", "1", "--json"] : ["list", "--limit", "1", "--json", "--page-token", token];
            var run = await Buquet.RunAsync(args);
            Assert.True(run.ExitCode == 0, run.ToString());
            using var doc = JsonDocument.Parse(run.Stdout);
            foreach (var t in doc.RootElement.GetProperty("tasks").EnumerateArray())
            {
                seen.Add(t.GetProperty("id").GetString()!);
            }

            token = doc.RootElement.GetProperty("next_page_token").GetString();
            pages++;
        }
        while (token is not null && pages < 40);

        Assert.Equal(ids, seen);
    }

    [Fact]
    public async Task List_ShardPrefixLengthTwo_UsesTwoCharacterShards()
    {
        var submit = await Buquet.RunAsync("submit", "-t", "wide", "--shard-prefix-len", "2", "--json");
        Assert.True(submit.ExitCode == 0, submit.ToString());
        using var task = JsonDocument.Parse(submit.Stdout);
        var shard = task.RootElement.GetProperty("shard").GetString()!;
        Assert.Equal(2, shard.Length);

        var hit = await Buquet.RunAsync("list", "--shard-prefix-len", "2", "-s", shard, "--json");
        var wrongWidth = await Buquet.RunAsync("list", "-s", shard);

        Assert.True(hit.ExitCode == 0, hit.ToString());
        using var doc = JsonDocument.Parse(hit.Stdout);
        Assert.Equal(1, doc.RootElement.GetProperty("tasks").GetArrayLength());
        Assert.Equal(1, wrongWidth.ExitCode);
        Assert.Contains($"Shard '{shard}' is not one of the 16 shards", wrongWidth.Stderr);
    }

    [Fact]
    public async Task List_UnknownStatus_ExitsOneListingValidStatuses()
    {
        var run = await Buquet.RunAsync("list", "--status", "sleeping");

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("--status 'sleeping' is not a task status", run.Stderr);
        Assert.Contains("pending, running, completed", run.Stderr);
    }
}
