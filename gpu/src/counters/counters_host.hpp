// CUPTI's Profiler Host API for one chip, wrapped: the metric catalogue, config images (what the
// range profiler collects and how many replay passes that takes) and the evaluation of collected
// counter data into metric values. Needs no GPU (cupti_api.hpp); not thread-safe, callers lock.
#pragma once

#include "cupti/cupti_api.hpp"

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace tim::gpu::counters {

/// A CUPTI parameter struct: zeroed, with its structSize set (`size`: the header's
/// TYPE_STRUCT_SIZE).
template <typename Params>
Params params(std::size_t size) noexcept {
    Params p{};
    p.structSize = size;
    return p;
}
/// params<Type>(Type_STRUCT_SIZE)
#define TIMEMORY_CUPTI_PARAMS(Type) ::tim::gpu::counters::params<Type>(Type##_STRUCT_SIZE)

/// A CUPTI error as text: "cuptiProfilerHostConfigAddMetrics: CUPTI_ERROR_INVALID_PARAMETER".
std::string error_text(const char* function, CUptiResult result);

/// The chips the host API knows. Throws std::runtime_error when libcupti cannot be loaded.
std::vector<std::string> supported_chips();

/// A host object: CUPTI's metric tables for one chip (and, on a device, the counters available
/// on that device). Each object accumulates the metrics added to it into one configuration.
class host_object {
  public:
    /// Throws std::runtime_error naming the chip and CUPTI's error.
    explicit host_object(const std::string& chip, const std::uint8_t* availability = nullptr);
    ~host_object();
    host_object(const host_object&) = delete;
    host_object& operator=(const host_object&) = delete;

    const std::string& chip() const noexcept { return m_chip; }

    struct base_metric {
        std::string name;
        CUpti_MetricType type;
    };
    /// Every base metric of the chip, counters then ratios then throughputs.
    std::vector<base_metric> base_metrics() const;

    /// Suffixes of a base metric (".sum", ".avg.per_second", ...). Empty when unknown.
    std::vector<std::string> submetrics(const std::string& base, CUpti_MetricType type) const;

    struct properties {
        std::string description, hw_unit, dim_unit;
        CUpti_MetricType type = CUPTI_METRIC_TYPE_COUNTER;
    };
    /// CUPTI's properties of a base or full metric name; CUPTI's result in `result`.
    properties describe(const std::string& name, CUptiResult& result) const;

    /// Add metrics to this object's configuration. CUPTI_SUCCESS or CUPTI's error.
    CUptiResult add(const std::vector<std::string>& names);

    /// The configuration image of everything added so far, and the replay passes it needs.
    /// Throws std::runtime_error with CUPTI's error.
    std::vector<std::uint8_t> config_image() const;
    static std::size_t passes(std::vector<std::uint8_t>& config_image);

    /// Metric values of one range of a decoded counter-data image (values.size() == names.size()).
    CUptiResult evaluate(const std::vector<std::uint8_t>& counter_data, std::size_t range,
                         const std::vector<const char*>& names, double* values) const;

  private:
    std::string m_chip;
    CUpti_Profiler_Host_Object* m_object = nullptr;
};

}  // namespace tim::gpu::counters
