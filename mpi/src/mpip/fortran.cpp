// Fortran wrappers: added below
