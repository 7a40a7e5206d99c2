# Finds the Debian packages the engine builds against (scripts/deps.sh installs them)
# and wraps the ones without a CMake config in IMPORTED targets.
find_package(Threads REQUIRED)
find_package(PkgConfig REQUIRED)

# CAF 0.17.6 ships neither a CMake config nor a .pc file.
find_path(CAF_INCLUDE_DIR caf/all.hpp REQUIRED)
find_library(CAF_CORE_LIBRARY caf_core REQUIRED)
find_library(CAF_IO_LIBRARY caf_io REQUIRED)
add_library(caf::core UNKNOWN IMPORTED)
set_target_properties(caf::core PROPERTIES
  IMPORTED_LOCATION ${CAF_CORE_LIBRARY}
  INTERFACE_INCLUDE_DIRECTORIES ${CAF_INCLUDE_DIR}
  INTERFACE_LINK_LIBRARIES Threads::Threads)
add_library(caf::io UNKNOWN IMPORTED)
set_target_properties(caf::io PROPERTIES
  IMPORTED_LOCATION ${CAF_IO_LIBRARY}
  INTERFACE_LINK_LIBRARIES caf::core)
# TLS for the cluster's connections (caf::openssl::publish and remote_actor).
find_library(CAF_OPENSSL_LIBRARY NAMES caf_openssl libcaf_openssl.so.0.17.6 REQUIRED)
add_library(caf::openssl UNKNOWN IMPORTED)
set_target_properties(caf::openssl PROPERTIES
  IMPORTED_LOCATION ${CAF_OPENSSL_LIBRARY}
  INTERFACE_LINK_LIBRARIES caf::io)
find_package(OpenSSL REQUIRED)

# RESTinio runs on Boost.Asio so that Boost.Beast (test and tool clients) can share one
# asio with it; the restinio::restinio target would force standalone asio, so it is not
# linked. Its include directory, fmt and http_parser are added by hand.
find_package(Boost 1.74 REQUIRED COMPONENTS unit_test_framework system)
find_package(fmt REQUIRED)
find_path(RESTINIO_INCLUDE_DIR restinio/all.hpp REQUIRED)
find_library(HTTP_PARSER_LIBRARY http_parser REQUIRED)
add_library(auralis_restinio INTERFACE)
target_include_directories(auralis_restinio SYSTEM INTERFACE ${RESTINIO_INCLUDE_DIR})
target_compile_definitions(auralis_restinio INTERFACE RESTINIO_USE_BOOST_ASIO=shared)
target_link_libraries(auralis_restinio INTERFACE fmt::fmt ${HTTP_PARSER_LIBRARY} Boost::headers
  Boost::system Threads::Threads)

find_package(simdjson REQUIRED)
find_package(spdlog REQUIRED)
find_package(CLI11 REQUIRED)

pkg_check_modules(OPUS REQUIRED IMPORTED_TARGET opus)
pkg_check_modules(OPUSFILE REQUIRED IMPORTED_TARGET opusfile)
pkg_check_modules(OGG REQUIRED IMPORTED_TARGET ogg)
pkg_check_modules(SNDFILE REQUIRED IMPORTED_TARGET sndfile)
pkg_check_modules(MPG123 REQUIRED IMPORTED_TARGET libmpg123)
pkg_check_modules(SOXR REQUIRED IMPORTED_TARGET soxr)
pkg_check_modules(EBUR128 REQUIRED IMPORTED_TARGET libebur128)
pkg_check_modules(SQLITE3 REQUIRED IMPORTED_TARGET sqlite3)

# auralis_embed_table(<out var> <NAME|NAME_WE> <files...>): C++ initialiser lines
# `{"<name>", R"auralis_embed(<text>)auralis_embed"},` for each file, named by its file name
# with (NAME) or without (NAME_WE) its extension, for a configure_file table of compiled-in
# copies. Each file re-runs the configuration when it changes.
function(auralis_embed_table out_var name_part)
  set(table "")
  foreach(file ${ARGN})
    get_filename_component(name ${file} ${name_part})
    file(READ ${file} text)
    string(APPEND table "  {\"${name}\", R\"auralis_embed(${text})auralis_embed\"},\n")
    set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${file})
  endforeach()
  set(${out_var} "${table}" PARENT_SCOPE)
endfunction()

# auralis_folder_library(<target> <public deps...>): the one library of a source folder,
# made of every .cpp in it.
function(auralis_folder_library target)
  file(GLOB sources CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/*.cpp)
  add_library(${target} ${sources})
  target_link_libraries(${target} PUBLIC ${ARGN} PRIVATE auralis_options)
  target_include_directories(${target} PUBLIC ${CMAKE_SOURCE_DIR})
endfunction()
