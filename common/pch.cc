// The translation unit that the shared precompiled headers are built with
// (glutecare_pch and glutecare_test_pch in the top-level CMakeLists.txt); it
// holds no code of its own.
