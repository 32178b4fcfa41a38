#include "counters/counters_host.hpp"

#include "cupti/cupti_subscriber.hpp"

#include <stdexcept>

namespace tim::gpu::counters {
namespace {

// Every call below needs the library; the catalogue checked load() before making an object.
const cupti::functions& api() {
    const auto* table = cupti::load();
    if (table == nullptr) throw std::runtime_error(cupti::load_error());
    return *table;
}

}  // namespace

std::string error_text(const char* function, CUptiResult result) {
    return std::string{function} + ": " + subscriber::result_text(result);
}

std::vector<std::string> supported_chips() {
    auto p = TIMEMORY_CUPTI_PARAMS(CUpti_Profiler_Host_GetSupportedChips_Params);
    if (const auto r = api().cuptiProfilerHostGetSupportedChips(&p); r != CUPTI_SUCCESS) {
        throw std::runtime_error(error_text("cuptiProfilerHostGetSupportedChips", r));
    }
    return {p.ppChipNames, p.ppChipNames + p.numChips};
}

host_object::host_object(const std::string& chip, const std::uint8_t* availability) : m_chip{chip} {
    auto p = TIMEMORY_CUPTI_PARAMS(CUpti_Profiler_Host_Initialize_Params);
    p.profilerType = CUPTI_PROFILER_TYPE_RANGE_PROFILER;
    p.pChipName = m_chip.c_str();
    p.pCounterAvailabilityImage = availability;
    if (const auto r = api().cuptiProfilerHostInitialize(&p); r != CUPTI_SUCCESS) {
        throw std::runtime_error("CUPTI cannot describe chip '" + m_chip +
                                 "': " + error_text("cuptiProfilerHostInitialize", r));
    }
    m_object = p.pHostObject;
}

host_object::~host_object() {
    auto p = TIMEMORY_CUPTI_PARAMS(CUpti_Profiler_Host_Deinitialize_Params);
    p.pHostObject = m_object;
    cupti::api().cuptiProfilerHostDeinitialize(&p);
}

std::vector<host_object::base_metric> host_object::base_metrics() const {
    std::vector<base_metric> out;
    for (auto type :
         {CUPTI_METRIC_TYPE_COUNTER, CUPTI_METRIC_TYPE_RATIO, CUPTI_METRIC_TYPE_THROUGHPUT}) {
        auto p = TIMEMORY_CUPTI_PARAMS(CUpti_Profiler_Host_GetBaseMetrics_Params);
        p.pHostObject = m_object;
        p.metricType = type;
        if (const auto r = api().cuptiProfilerHostGetBaseMetrics(&p); r != CUPTI_SUCCESS) {
            throw std::runtime_error(error_text("cuptiProfilerHostGetBaseMetrics", r));
        }
        for (std::size_t i = 0; i < p.numMetrics; ++i) out.push_back({p.ppMetricNames[i], type});
    }
    return out;
}

std::vector<std::string> host_object::submetrics(const std::string& base,
                                                 CUpti_MetricType type) const {
    auto p = TIMEMORY_CUPTI_PARAMS(CUpti_Profiler_Host_GetSubMetrics_Params);
    p.pHostObject = m_object;
    p.metricType = type;
    p.pMetricName = base.c_str();
    if (api().cuptiProfilerHostGetSubMetrics(&p) != CUPTI_SUCCESS) return {};
    return {p.ppSubMetrics, p.ppSubMetrics + p.numOfSubmetrics};
}

host_object::properties host_object::describe(const std::string& name, CUptiResult& result) const {
    auto p = TIMEMORY_CUPTI_PARAMS(CUpti_Profiler_Host_GetMetricProperties_Params);
    p.pHostObject = m_object;
    p.pMetricName = name.c_str();
    result = api().cuptiProfilerHostGetMetricProperties(&p);
    properties out;
    if (result != CUPTI_SUCCESS) return out;
    const auto text = [](const char* s) { return s != nullptr ? std::string{s} : std::string{}; };
    out.description = text(p.pDescription);
    out.hw_unit = text(p.pHwUnit);
    out.dim_unit = text(p.pDimUnit);
    out.type = p.metricType;
    return out;
}

CUptiResult host_object::add(const std::vector<std::string>& names) {
    std::vector<const char*> pointers;
    for (const auto& n : names) pointers.push_back(n.c_str());
    auto p = TIMEMORY_CUPTI_PARAMS(CUpti_Profiler_Host_ConfigAddMetrics_Params);
    p.pHostObject = m_object;
    p.ppMetricNames = pointers.data();
    p.numMetrics = pointers.size();
    return api().cuptiProfilerHostConfigAddMetrics(&p);
}

std::vector<std::uint8_t> host_object::config_image() const {
    auto size = TIMEMORY_CUPTI_PARAMS(CUpti_Profiler_Host_GetConfigImageSize_Params);
    size.pHostObject = m_object;
    if (const auto r = api().cuptiProfilerHostGetConfigImageSize(&size); r != CUPTI_SUCCESS) {
        throw std::runtime_error(error_text("cuptiProfilerHostGetConfigImageSize", r));
    }
    std::vector<std::uint8_t> image(size.configImageSize);
    auto p = TIMEMORY_CUPTI_PARAMS(CUpti_Profiler_Host_GetConfigImage_Params);
    p.pHostObject = m_object;
    p.configImageSize = image.size();
    p.pConfigImage = image.data();
    if (const auto r = api().cuptiProfilerHostGetConfigImage(&p); r != CUPTI_SUCCESS) {
        throw std::runtime_error(error_text("cuptiProfilerHostGetConfigImage", r));
    }
    return image;
}

std::size_t host_object::passes(std::vector<std::uint8_t>& config_image) {
    auto p = TIMEMORY_CUPTI_PARAMS(CUpti_Profiler_Host_GetNumOfPasses_Params);
    p.configImageSize = config_image.size();
    p.pConfigImage = config_image.data();
    if (const auto r = api().cuptiProfilerHostGetNumOfPasses(&p); r != CUPTI_SUCCESS) {
        throw std::runtime_error(error_text("cuptiProfilerHostGetNumOfPasses", r));
    }
    return p.numOfPasses;
}

CUptiResult host_object::evaluate(const std::vector<std::uint8_t>& counter_data, std::size_t range,
                                  const std::vector<const char*>& names, double* values) const {
    auto p = TIMEMORY_CUPTI_PARAMS(CUpti_Profiler_Host_EvaluateToGpuValues_Params);
    p.pHostObject = m_object;
    p.pCounterDataImage = counter_data.data();
    p.counterDataImageSize = counter_data.size();
    p.rangeIndex = range;
    p.ppMetricNames = const_cast<const char**>(names.data());
    p.numMetrics = names.size();
    p.pMetricValues = values;
    return api().cuptiProfilerHostEvaluateToGpuValues(&p);
}

}  // namespace tim::gpu::counters
