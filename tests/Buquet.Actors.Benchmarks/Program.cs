// Benchmarks that print numbers; see docs/benchmarks.md.
using System.Globalization;
using Buquet.Actors.Benchmarks;

if (args.Length > 0 && args[0] == "actors")
{
    var idle = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 20_000;
    return await ActorBenchmarks.RunAsync(idle);
}

Console.WriteLine("usage: dotnet run -c Release --project tests/Buquet.Actors.Benchmarks -- actors [idle-actors]");
Console.WriteLine("suites: actors (Akka.NET: Props per task, spawn + stop, tell, memory per idle actor)");
return 0;
