namespace Buquet.Actors.Hosting;

/// <summary>
/// The key of the worker supervisor in Akka.Hosting's <c>ActorRegistry</c>: resolve it with
/// <c>IRequiredActor&lt;BuquetWorker&gt;</c> or <c>registry.Get&lt;BuquetWorker&gt;()</c> (to watch the worker, for example).
/// </summary>
public sealed class BuquetWorker
{
    private BuquetWorker()
    {
    }
}
