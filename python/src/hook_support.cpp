#include "hook_support.hpp"

#include "timemory/core/registry.hpp"

#include <pybind11/pybind11.h>

namespace tim::python {
namespace detail {

Py_ssize_t code_extra_index = -1;

namespace {
void free_code_labels(void* labels) {
    delete static_cast<code_labels*>(labels);
}
}  // namespace

code_labels* create_code_labels(PyCodeObject* code) noexcept {
    if (code_extra_index < 0) return nullptr;
    auto* labels = new (std::nothrow) code_labels{};
    if (labels == nullptr) return nullptr;
    if (TIMEMORY_CODE_SET_EXTRA(reinterpret_cast<PyObject*>(code), code_extra_index, labels) != 0) {
        PyErr_Clear();
        delete labels;
        return nullptr;
    }
    return labels;
}

}  // namespace detail

void init_code_labels() {
    if (detail::code_extra_index < 0) {
        detail::code_extra_index = TIMEMORY_REQUEST_CODE_EXTRA_INDEX(detail::free_code_labels);
        if (detail::code_extra_index < 0) {
            PyErr_Clear();
            throw std::runtime_error("timemory: CPython has no free code-object extra slot left");
        }
    }
}

component_set parse_components(const std::vector<std::string>& names) {
    std::string spec;
    for (const auto& n : names) {
        if (!spec.empty()) spec += ',';
        spec += n;
    }
    try {
        return component_set{registry::parse_list(spec)};
    } catch (const unknown_component& e) {
        throw pybind11::value_error(e.what());
    }
}

std::string utf8(PyObject* text) {
    if (text == nullptr || !PyUnicode_Check(text)) return {};
    Py_ssize_t size = 0;
    const char* data = PyUnicode_AsUTF8AndSize(text, &size);
    if (data == nullptr) {
        PyErr_Clear();
        return {};
    }
    return std::string{data, static_cast<std::size_t>(size)};
}

}  // namespace tim::python
