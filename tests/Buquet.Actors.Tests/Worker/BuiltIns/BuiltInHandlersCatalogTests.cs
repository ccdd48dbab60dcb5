using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization;
using Buquet.Actors.Protocol;
using Buquet.Actors.Worker.BuiltIns;
using Buquet.Actors.Worker.Handlers;

namespace Buquet.Actors.Tests.Worker.BuiltIns;

public sealed class BuiltInHandlersCatalogTests : IAsyncDisposable
{
    private readonly WorkerHarness _h = new();

    public ValueTask DisposeAsync() => _h.DisposeAsync();

    public static TheoryData<string, Type?> InputTypes => new()
    {
        { BuiltInHandlers.Echo, null },
        { BuiltInHandlers.Sleep, typeof(BuiltInHandlers.SleepInput) },
        { BuiltInHandlers.Fail, typeof(BuiltInHandlers.FailInput) },
        { BuiltInHandlers.Reschedule, typeof(BuiltInHandlers.RescheduleInput) },
    };

    [Fact]
    public void Catalog_AllBuiltIns_ListsEveryRegisteredType()
    {
        var registered = new TaskHandlerRegistry().AddBuiltIns().TaskTypes.Order(StringComparer.Ordinal);

        Assert.Equal(registered, BuiltInHandlers.Catalog.Select(h => h.TaskType).Order(StringComparer.Ordinal));
    }

    [Theory]
    [MemberData(nameof(InputTypes))]
    public void Catalog_Fields_AreTheInputRecordsJsonMembers(string taskType, Type? input)
    {
        var documented = BuiltInHandlers.Catalog.Single(h => h.TaskType == taskType).Fields.Select(f => f.Name);
        var actual = input?.GetProperties().Select(p => p.GetCustomAttribute<JsonPropertyNameAttribute>()!.Name) ?? [];

        Assert.Equal(actual.Order(StringComparer.Ordinal), documented.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Catalog_EveryExampleInput_Completes()
    {
        var handlers = new TaskHandlerRegistry().AddBuiltIns(_h.Clock);
        var ids = new List<Guid>();
        foreach (var info in BuiltInHandlers.Catalog)
        {
            using var input = JsonDocument.Parse(info.ExampleInput);
            ids.Add((await _h.Client.SubmitAsync(info.TaskType, input.RootElement.Clone(), new Buquet.Actors.Client.SubmitOptions { MaxRetries = 5 })).Id);
        }

        _h.StartWorker(WorkerHarness.Settings(), handlers);
        for (var executions = 0; executions < 20 && !await AllTerminalAsync(ids); executions++)
        {
            await _h.PumpUntilFinishedAsync(1, TimeSpan.FromSeconds(1));
        }

        foreach (var id in ids)
        {
            var task = await _h.GetAsync(id);
            Assert.True(task.Status == BuquetTaskStatus.Completed, $"{task.TaskType}: {task.Status} {task.LastError}");
        }
    }

    private async Task<bool> AllTerminalAsync(List<Guid> ids)
    {
        foreach (var id in ids)
        {
            if (!(await _h.GetAsync(id)).IsTerminal)
            {
                return false;
            }
        }

        return true;
    }
}
