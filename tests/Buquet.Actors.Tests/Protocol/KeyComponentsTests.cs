using Buquet.Actors.Protocol;

namespace Buquet.Actors.Tests.Protocol;

public sealed class KeyComponentsTests
{
    [Theory]
    [InlineData("a/b")]
    [InlineData("..")]
    [InlineData("a..b")]
    [InlineData("")]
    [InlineData("tab\there")]
    [InlineData("nul\0")]
    public void ValidateTaskType_BadValue_ThrowsNamingIt(string value)
    {
        var ex = Assert.Throws<ArgumentException>(() => KeyComponents.ValidateTaskType(value));
        if (value.Length > 0)
        {
            Assert.Contains(KeyComponents.Show(value), ex.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void ValidateTaskType_TooLong_Throws() =>
        Assert.Throws<ArgumentException>(() => KeyComponents.ValidateTaskType(new string('x', KeyComponents.MaxComponentBytes + 1)));

    [Theory]
    [InlineData("send_email")]
    [InlineData("workflow.step:wf:a")]
    [InlineData("ключ-🔑")]
    public void ValidateTaskType_GoodValue_Returns(string value) => Assert.Equal(value, KeyComponents.ValidateTaskType(value));

    [Theory]
    [InlineData("custom/scope", true)]
    [InlineData("queue", true)]
    [InlineData("/lead", false)]
    [InlineData("trail/", false)]
    [InlineData("a//b", false)]
    [InlineData("a/../b", false)]
    public void ValidateScope_Slashes_OnlyInsideSegments(string scope, bool ok)
    {
        if (ok)
        {
            Assert.Equal(scope, KeyComponents.ValidateScope(scope));
        }
        else
        {
            Assert.Throws<ArgumentException>(() => KeyComponents.ValidateScope(scope));
        }
    }

    [Fact]
    public void WorkerAndScheduleKeys_SlashInId_Throw()
    {
        Assert.Throws<ArgumentException>(() => TaskKeys.Worker("w/1"));
        Assert.Throws<ArgumentException>(() => TaskKeys.Schedule("daily/x"));
        Assert.Equal("schedules/daily/last_run.json", TaskKeys.ScheduleLastRun("daily"));
        Assert.Equal("workers/w-1.json", TaskKeys.Worker("w-1"));
    }

    [Fact]
    public void ShardSpace_Lengths_ListEveryShardInOrder()
    {
        Assert.Equal(16, ShardSpace.For(1).All.Count);
        Assert.Equal("0", ShardSpace.For(1).All[0]);
        Assert.Equal("ff", ShardSpace.For(2).All[^1]);
        Assert.Equal(65536, ShardSpace.For(4).All.Count);
        Assert.Equal("0fff", ShardSpace.For(4).All[4095]);
        Assert.Throws<ArgumentOutOfRangeException>(() => ShardSpace.For(0));
        Assert.Throws<ArgumentOutOfRangeException>(() => ShardSpace.For(5));
    }

    [Fact]
    public void TryParseIndexKey_ReadyKey_Parses()
    {
        Assert.True(TaskKeys.TryParseIndexKey("ready/a/0028421910/a1b2c3d4-e5f6-4789-abcd-ef1234567890", out var k));
        Assert.Equal(IndexKind.Ready, k.Kind);
        Assert.Equal(28421910, k.Bucket);
        Assert.False(TaskKeys.TryParseIndexKey("ready/a/28421910/a1b2c3d4-e5f6-4789-abcd-ef1234567890", out _));
        Assert.True(TaskKeys.TryParseTaskKey("tasks/a/a1b2c3d4-e5f6-4789-abcd-ef1234567890.json", out var shard, out _));
        Assert.Equal("a", shard);
        Assert.True(TaskKeys.IsScheduleKey("schedules/daily.json"));
        Assert.False(TaskKeys.IsScheduleKey("schedules/daily/last_run.json"));
    }
}
