// A shared object without the job entry point.
extern "C" __attribute__((visibility("default"))) int not_a_job_function() { return 7; }
