// Benchmarks that print numbers; see docs/benchmarks.md.
using System.Globalization;
using Buquet.Actors.Benchmarks;

if (args.Length > 0 && args[0] == "actors")
{
    var idle = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 20_000;
    return await ActorBenchmarks.RunAsync(idle);
}

if (args.Length > 0 && args[0] == "store-contention")
{
    var dir = Path.Combine(Path.GetTempPath(), "buquet-store-contention-" + Guid.NewGuid().ToString("N")[..8]);
    return await StoreContentionBenchmarks.RunAsync(dir, int.Parse(args[1], CultureInfo.InvariantCulture), int.Parse(args[2], CultureInfo.InvariantCulture));
}

if (args.Length > 0 && args[0] == "store")
{
    var dir = args.Length > 1 ? args[1] : Path.Combine(Path.GetTempPath(), "buquet-store-bench-" + Guid.NewGuid().ToString("N")[..8]);
    var keys = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 20_000;
    var concurrency = args.Length > 3 ? int.Parse(args[3], CultureInfo.InvariantCulture) : 16;
    var history = args.Length > 4 ? int.Parse(args[4], CultureInfo.InvariantCulture) : 50_000;
    var durability = args.Length > 5 ? Enum.Parse<Buquet.Actors.Storage.SqliteDurability>(args[5], ignoreCase: true) : Buquet.Actors.Storage.SqliteDurability.Full;
    return await StoreBenchmarks.RunAsync(dir, keys, concurrency, history, durability);
}

Console.WriteLine("usage: dotnet run -c Release --project tests/Buquet.Actors.Benchmarks -- actors [idle-actors]");
Console.WriteLine("       dotnet run -c Release --project tests/Buquet.Actors.Benchmarks -- store [dir] [keys] [concurrency] [deleted-history] [full|normal]");
Console.WriteLine("suites: actors (Akka.NET: Props per task, spawn + stop, tell, memory per idle actor),");
Console.WriteLine("        store (embedded SQLite store: ops/s and CPU per op; LIST before and after many deleted keys)");
return 0;
