using Microsoft.Extensions.Logging;

namespace Buquet.Actors.Tests.Cluster;

/// <summary>A logger factory and a signal at the first record containing a marker (Akka's log included).</summary>
internal sealed class LogSignal : IDisposable
{
    private readonly Hosting.AkkaLoggingTests.CapturingLoggerProvider _provider;

    public LogSignal(string marker)
    {
        _provider = new(marker);
        Factory = LoggerFactory.Create(b => b.SetMinimumLevel(LogLevel.Debug).AddProvider(_provider));
    }

    public ILoggerFactory Factory { get; }

    public Task WaitAsync() => _provider.Seen.Task.WaitAsync(FleetNode.Guard);

    public void Dispose() => Factory.Dispose();
}
