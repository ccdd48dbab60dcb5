using System.Diagnostics;
using System.Globalization;
using System.Text;
using Buquet.Actors.Storage;

namespace Buquet.Actors.Benchmarks;

/// <summary>
/// The embedded SQLite store on its own (no worker): ops/s and process CPU per operation for create-only PUT, CAS PUT,
/// GET, LIST (a 100-key page) and DELETE at a given concurrency, then the same LIST after many keys were written and
/// deleted beside it (cost must not grow). Prints numbers; asserts nothing.
/// </summary>
internal static class StoreBenchmarks
{
    public static async Task<int> RunAsync(string directory, int keys, int concurrency, int deletedHistory, SqliteDurability durability)
    {
        Directory.CreateDirectory(directory);
        using var store = new SqliteObjectStore(new SqliteStoreOptions { Directory = directory, VersionedPrefixes = ["tasks/"], Durability = durability });
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"SQLite store {store.DatabasePath}: {keys} keys, concurrency {concurrency}, durability {durability}, load {LoadAverage()}"));
        var names = Enumerable.Range(0, keys).Select(i => string.Create(CultureInfo.InvariantCulture, $"tasks/0/{i:D7}.json")).ToArray();
        var etags = new string[keys];
        var body = Encoding.UTF8.GetBytes(new string('x', 600));

        await PhaseAsync("put if-none-match", keys, concurrency, async i =>
            etags[i] = (await store.PutAsync(names[i], Body(body, i), PutCondition.IfNoneMatch)).ETag!);
        await PhaseAsync("put if-match (cas)", keys, concurrency, async i =>
            etags[i] = (await store.PutAsync(names[i], Body(body, i + keys), PutCondition.IfMatch(etags[i]))).ETag!);
        await PhaseAsync("get", keys, concurrency, async i => _ = await store.GetAsync(names[i]));
        var pages = Math.Max(1, keys / 10);
        await PhaseAsync("list (100-key page)", pages, concurrency, async i =>
            _ = await store.ListAsync(new ListRequest("tasks/0/", StartAfter: names[i * keys / pages], MaxKeys: 100)));
        await PhaseAsync("delete if-match", keys, concurrency, async i => _ = await store.DeleteAsync(names[i], etags[i]));

        // LIST cost with history: a few live ready keys, then many ready keys written and deleted (as a worker does).
        var live = Enumerable.Range(0, 10).Select(i => string.Create(CultureInfo.InvariantCulture, $"ready/0/000000001/live-{i:D2}")).ToArray();
        foreach (var k in live)
        {
            await store.PutAsync(k, body, PutCondition.IfNoneMatch);
        }

        await PhaseAsync("list 10 live ready keys, fresh", 2000, concurrency, async n => _ = await store.ListAsync(new ListRequest("ready/0/")));
        await PhaseAsync($"write + delete {deletedHistory} ready keys", deletedHistory, concurrency, async i =>
        {
            var k = string.Create(CultureInfo.InvariantCulture, $"ready/0/{i % 1000:D9}/dead-{i:D8}");
            await store.PutAsync(k, body, PutCondition.IfNoneMatch);
            await store.DeleteManyAsync([k]);
        });
        await PhaseAsync($"list 10 live ready keys, after {deletedHistory} deleted", 2000, concurrency, async n => _ = await store.ListAsync(new ListRequest("ready/0/")));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"database {new FileInfo(store.DatabasePath).Length / 1024.0 / 1024.0:0.0} MB (+ WAL); load {LoadAverage()}"));
        return 0;
    }

    private static ReadOnlyMemory<byte> Body(byte[] template, int i)
    {
        var b = (byte[])template.Clone();
        BitConverter.TryWriteBytes(b, i);
        return b;
    }

    private static async Task PhaseAsync(string name, int count, int concurrency, Func<int, Task> op)
    {
        var process = Process.GetCurrentProcess();
        process.Refresh();
        var cpu = process.TotalProcessorTime;
        var watch = Stopwatch.StartNew();
        var next = -1;
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(_ => Task.Run(async () =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < count)
            {
                await op(i);
            }
        })));
        watch.Stop();
        process.Refresh();
        var cpuUs = (process.TotalProcessorTime - cpu).TotalMicroseconds / count;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  {name,-45} {count / watch.Elapsed.TotalSeconds,10:N0} ops/s   {cpuUs,8:N1} µs CPU/op   ({count} ops, {watch.Elapsed.TotalSeconds:0.00} s)"));
    }

    private static string LoadAverage() => File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Split(' ')[0] : "?";
}

/// <summary>Write contention between store instances (separate connections, as between processes) on one file.</summary>
internal static class StoreContentionBenchmarks
{
    public static async Task<int> RunAsync(string directory, int instances, int ops)
    {
        Directory.CreateDirectory(directory);
        var stores = Enumerable.Range(0, instances).Select(_ => new SqliteObjectStore(new SqliteStoreOptions { Directory = directory, VersionedPrefixes = [] })).ToArray();
        try
        {
            var body = Encoding.UTF8.GetBytes(new string('x', 600));
            var watch = Stopwatch.StartNew();
            var latencies = new double[ops];
            var next = -1;
            await Task.WhenAll(Enumerable.Range(0, 16).Select(w => Task.Run(async () =>
            {
                int i;
                while ((i = Interlocked.Increment(ref next)) < ops)
                {
                    var start = Stopwatch.GetTimestamp();
                    await stores[w % instances].PutAsync(string.Create(CultureInfo.InvariantCulture, $"k/{i:D8}"), body, PutCondition.IfNoneMatch);
                    latencies[i] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
                }
            })));
            watch.Stop();
            Array.Sort(latencies);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{instances} store instance(s), 16 writers: {ops / watch.Elapsed.TotalSeconds:N0} create-only PUT/s, latency p50 {latencies[ops / 2]:0.0} ms, p99 {latencies[ops * 99 / 100]:0.0} ms, max {latencies[^1]:0.0} ms"));
        }
        finally
        {
            foreach (var s in stores)
            {
                s.Dispose();
            }

            Directory.Delete(directory, recursive: true);
        }

        return 0;
    }
}
