/* Stands for another MPI in the process (built as libmpi.so.12, MPICH's soname): enough of an MPI
 * library for timemory to find it and ask it its version. */
int MPI_Get_library_version(char* version, int* length) {
    static const char text[] = "MPICH Version: 4.0.2 (a stand-in for the wrong-MPI test)";
    for (int i = 0; i < (int)sizeof(text); ++i) version[i] = text[i];
    *length = (int)sizeof(text) - 1;
    return 0;
}
