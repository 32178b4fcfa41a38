// timemory-cuda-example: host and device time of one program in one call graph.
//
// Each region measures the host wall clock, the GPU time between CUDA events recorded at its
// start and stop (cuda_event), and through CUPTI every kernel and copy launched inside it:
// cupti_activity lists each kernel as a child row named after it, with its GPU time, and
// cupti_memory_bytes the bytes of each copy direction. The report printed at the end shows every
// component over the same tree of regions. Nothing here waits for the device on behalf of
// timemory; device values are collected when the report is made.
//
// Without a GPU the program says why, skips the device work, and still reports its host regions.
//
//   timemory-cuda-example                              # the components above
//   timemory-cuda-example wall_clock,cupti_counters    # hardware metrics of each kernel instead
#include <timemory/gpu/components.hpp>
#include <timemory/gpu/device.hpp>
#include <timemory/timemory.hpp>

#include <cuda_runtime.h>
#include <thrust/device_vector.h>
#include <thrust/functional.h>
#include <thrust/reduce.h>
#include <thrust/sort.h>

#include <algorithm>
#include <cstdio>
#include <numeric>
#include <random>
#include <string>
#include <vector>

namespace {

using components = std::vector<const tim::component_info*>;

/// A region over components chosen at run time, for the lifetime of the object.
class region {
  public:
    region(const char* label, const components& measured) : m_bundle{label, measured} {
        m_bundle.start();
    }
    ~region() { m_bundle.stop(); }
    region(const region&) = delete;
    region& operator=(const region&) = delete;

  private:
    tim::runtime_bundle m_bundle;
};

__global__ void saxpy(int n, float a, const float* x, float* y) {
    const int i = static_cast<int>(blockIdx.x * blockDim.x + threadIdx.x);
    if (i < n) y[i] = a * x[i] + y[i];
}

constexpr int n = 1 << 22;
constexpr int iterations = 10;
constexpr float a = 0.5f;

struct problem {
    std::vector<float> x, y;
    std::vector<int> keys;
};

bool ok(cudaError_t err, const char* what) {
    if (err == cudaSuccess) return true;
    std::fprintf(stderr, "timemory-cuda-example: %s: %s\n", what, cudaGetErrorString(err));
    return false;
}

// The device half: copies, saxpy, a Thrust sort and reduce. Results come back in `out`.
bool run_on_device(const components& measured, const problem& in, problem& out, long long& sum) {
    region device{"device", measured};
    float* x = nullptr;
    float* y = nullptr;
    if (!ok(cudaMalloc(&x, n * sizeof(float)), "cudaMalloc") ||
        !ok(cudaMalloc(&y, n * sizeof(float)), "cudaMalloc")) {
        return false;
    }
    {
        region r{"upload", measured};
        ok(cudaMemcpy(x, in.x.data(), n * sizeof(float), cudaMemcpyHostToDevice), "upload x");
        ok(cudaMemcpy(y, in.y.data(), n * sizeof(float), cudaMemcpyHostToDevice), "upload y");
    }
    {
        region r{"saxpy", measured};
        for (int i = 0; i < iterations; ++i) {
            // Components fixed at compile time work the same way (and cost less per region).
            TIMEMORY_SCOPED("launch", tim::component::wall_clock, tim::gpu::cuda_event);
            saxpy<<<(n + 255) / 256, 256>>>(n, a, x, y);
        }
    }
    thrust::device_vector<int> keys(in.keys.begin(), in.keys.end());
    {
        region r{"thrust_sort", measured};
        thrust::sort(keys.begin(), keys.end());
    }
    {
        region r{"thrust_reduce", measured};
        sum = thrust::reduce(keys.begin(), keys.end(), 0ll, thrust::plus<long long>());
    }
    {
        region r{"download", measured};
        out.y.resize(n);
        out.keys.resize(in.keys.size());
        ok(cudaMemcpy(out.y.data(), y, n * sizeof(float), cudaMemcpyDeviceToHost), "download y");
        thrust::copy(keys.begin(), keys.end(), out.keys.begin());
    }
    const bool fine = ok(cudaGetLastError(), "kernels");
    cudaFree(x);
    cudaFree(y);
    return fine;
}

// The host half: the same computation on the CPU, as the reference.
long long run_on_host(const components& measured, problem& p) {
    region r{"host_reference", measured};
    for (int it = 0; it < iterations; ++it) {
        for (int i = 0; i < n; ++i) p.y[i] = a * p.x[i] + p.y[i];
    }
    std::sort(p.keys.begin(), p.keys.end());
    return std::accumulate(p.keys.begin(), p.keys.end(), 0ll);
}

const tim::result_node* find(const tim::result_tree& tree,
                             std::initializer_list<const char*> path) {
    const tim::result_node* node = &tree.nodes.at(0);
    for (const char* label : path) {
        const tim::result_node* next = nullptr;
        for (auto c : node->children) {
            if (tree.nodes[c].label == label) next = &tree.nodes[c];
        }
        if (next == nullptr) return nullptr;
        node = next;
    }
    return node;
}

std::uint64_t count_of(const tim::result_node* node, std::uint16_t component) {
    if (node == nullptr) return 0;
    auto it = node->data.find(component);
    return it == node->data.end() || it->second.empty() ? 0 : it->second[0].count;
}

}  // namespace

int main(int argc, char** argv) {
    tim::init(argc, argv);
    const bool gpu = tim::gpu::has_device();
    if (!gpu) {
        std::printf("timemory-cuda-example: %s; running the host part only\n",
                    tim::gpu::device_unavailable_reason().c_str());
    }
    // Components that cannot measure here are left out with one warning each. A first argument
    // chooses others, e.g. "wall_clock,cupti_counters" for the kernels' hardware metrics.
    const char* chosen = argc > 1 && argv[1][0] != '-'
                             ? argv[1]
                             : "wall_clock,cuda_event,cupti_activity,cupti_memory_bytes";
    const components measured = tim::registry::parse_list(chosen);

    bool fine = true;
    {
        region main_region{"main", measured};
        problem host;
        {
            region r{"setup", measured};
            std::mt19937 random{42};
            std::uniform_int_distribution<int> keys{0, 1 << 20};
            host.x.resize(n);
            host.y.assign(n, 1.0f);
            for (int i = 0; i < n; ++i) host.x[i] = static_cast<float>(i % 100);
            host.keys.resize(n);
            for (auto& k : host.keys) k = keys(random);
        }
        problem device;
        long long device_sum = 0;
        if (gpu) fine = run_on_device(measured, host, device, device_sum);
        const long long host_sum = run_on_host(measured, host);
        if (gpu && fine) {
            fine = device.keys == host.keys && device_sum == host_sum;
            for (int i = 0; i < n && fine; i += 997) fine = device.y[i] == host.y[i];
            if (!fine)
                std::fprintf(stderr, "timemory-cuda-example: device and host results differ\n");
        }
    }

    // The tree the report is made of: check that what the report shows was measured.
    const auto tree = tim::collect_results();
    if (count_of(find(tree, {"main", "setup"}), tim::component::wall_clock::index) != 1) {
        std::fprintf(stderr, "timemory-cuda-example: no host timing for main/setup\n");
        fine = false;
    }
    if (gpu && count_of(find(tree, {"main", "device", "saxpy", "launch"}),
                        tim::gpu::cuda_event_index) != static_cast<std::uint64_t>(iterations)) {
        std::fprintf(stderr, "timemory-cuda-example: no cuda_event time for the launches\n");
        fine = false;
    }

    tim::finalize();  // prints the report and writes the output files
    std::printf("timemory-cuda-example: %s\n", fine ? "ok" : "FAILED");
    return fine ? 0 : 1;
}
