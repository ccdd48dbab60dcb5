using Buquet.Host.Tests.Support;

namespace Buquet.Host.Tests.Deploy;

/// <summary>
/// The built executable run exactly as each file of deploy/ would run it (no container engine here): the Dockerfile's
/// ENV, WORKDIR, ENTRYPOINT and CMD with its copied files mapped to the repository, the compose worker's command and
/// environment, the Kubernetes Deployment's args with its ConfigMap mounted. Against moto; one at a time (one class),
/// since the image defaults and compose share a bucket name.
/// </summary>
public sealed class DeployFilesTests
{
    private static string PublishOutput => AppContext.BaseDirectory;

    [Fact]
    public async Task DockerRun_ImageDefaultsWithS3Environment_ServesProbesRunsEchoAndDrainsOnSigterm()
    {
        // `docker run -e S3_ENDPOINT=… -e AWS_ACCESS_KEY_ID=… -e AWS_SECRET_ACCESS_KEY=… buquet`: the bucket comes from the image's config.
        var spec = DeployManifests.DockerRun(PublishOutput, new Dictionary<string, string>
        {
            ["S3_ENDPOINT"] = Moto.Endpoint,
            ["AWS_ACCESS_KEY_ID"] = "test",
            ["AWS_SECRET_ACCESS_KEY"] = "test",
        });

        await DeployedWorker.RunAsync(spec);
    }

    [Fact]
    public async Task ComposeWorker_AsWritten_ServesProbesRunsEchoAndDrainsOnSigterm()
    {
        var spec = DeployManifests.ComposeService("worker-1", PublishOutput, Moto.Endpoint);

        await DeployedWorker.RunAsync(spec);
    }

    [Fact]
    public async Task KubernetesDeployment_AsWritten_ServesProbesRunsEchoAndDrainsOnSigterm()
    {
        using var mounts = new TempDirectory();
        var bucket = await Moto.CreateBucketAsync();
        var secret = new Dictionary<string, string>(Moto.Environment(bucket));

        var spec = DeployManifests.KubernetesDeployment(PublishOutput, new Dictionary<string, IReadOnlyDictionary<string, string>> { ["buquet-s3"] = secret }, mounts.Path);

        Assert.Equal(["readinessProbe", "livenessProbe"], spec.Probes.Select(p => p.Name));
        await DeployedWorker.RunAsync(spec);
    }

    [Fact]
    public void ImageSpec_Dockerfile_MapsTheConfigItPointsAtToTheRepository()
    {
        var image = ImageSpec.Parse(DeployManifests.Dockerfile, DeployManifests.RepositoryRoot, PublishOutput);

        var config = image.Paths.TryMap(image.Env["BUQUET_CONFIG"]);

        Assert.Equal(Path.Combine(DeployManifests.RepositoryRoot, "HOCON", Path.GetFileName(image.Env["BUQUET_CONFIG"])), config);
        Assert.True(File.Exists(config), $"BUQUET_CONFIG={image.Env["BUQUET_CONFIG"]} maps to {config}, which does not exist");
        Assert.Contains(8080, image.Exposed);
    }

    [Fact]
    public void DockerIgnore_NextToTheDockerfile_ExcludesBuildOutputAndTests()
    {
        // BuildKit reads <Dockerfile>.dockerignore beside the Dockerfile; a .dockerignore there would be ignored (the
        // context is the repository root).
        var ignore = DeployManifests.Dockerfile + ".dockerignore";
        Assert.True(File.Exists(ignore), $"{ignore} is missing");
        Assert.False(File.Exists(Path.Combine(Path.GetDirectoryName(ignore)!, ".dockerignore")), "deploy/container/.dockerignore is never read");
        var patterns = File.ReadAllLines(ignore).Select(l => l.Trim()).Where(l => l.Length > 0 && !l.StartsWith('#')).ToList();

        Assert.Equal("*", patterns[0]); // everything out, then the Dockerfile's COPY sources back in
        Assert.DoesNotContain(patterns, p => p.StartsWith("!tests", StringComparison.Ordinal));
        Assert.Contains("**/bin/", patterns);
        Assert.Contains("**/obj/", patterns);
    }
}
