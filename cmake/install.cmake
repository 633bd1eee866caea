# What `cmake --install` (and `make install`, `make deb`) puts where: the binary, the man pages and
# shell completions the built binary writes (`flowgap --write-docs`, made from the same CLI11
# definitions as --help, so they are generated here and never committed), the JSON Schemas of
# the reports and the docs. The Debian package (CPack, `make deb`) installs the same under /usr.
include(GNUInstallDirs)
# `make install` in the build tree and cpack install what is built, without first walking every
# target (the test binary's hundreds of objects): the top-level `make install` and `make deb`
# build first, and the package test packages the tree ctest is testing.
set(CMAKE_SKIP_INSTALL_ALL_DEPENDENCY ON)

set(FLOWGAP_DOCS_DIR ${PROJECT_BINARY_DIR}/generated-docs)
add_custom_command(
  OUTPUT ${FLOWGAP_DOCS_DIR}/stamp
  COMMAND ${CMAKE_COMMAND} -E rm -rf ${FLOWGAP_DOCS_DIR}/man1 ${FLOWGAP_DOCS_DIR}/completions
  COMMAND flowgap --write-docs ${FLOWGAP_DOCS_DIR}
  COMMAND ${CMAKE_COMMAND} -E touch ${FLOWGAP_DOCS_DIR}/stamp
  DEPENDS flowgap
  COMMENT "Writing the man pages and shell completions"
  VERBATIM)
add_custom_target(flowgap_docs ALL DEPENDS ${FLOWGAP_DOCS_DIR}/stamp)

# Where each shell looks for completions: bash-completion's completionsdir, Debian's zsh
# vendor-completions (in its $fpath; other systems use site-functions), fish's vendor_completions.d.
set(FLOWGAP_BASH_COMPLETION_DIR ${CMAKE_INSTALL_DATADIR}/bash-completion/completions
    CACHE STRING "Where the bash completion is installed (relative: under the prefix)")
set(FLOWGAP_ZSH_COMPLETION_DIR ${CMAKE_INSTALL_DATADIR}/zsh/vendor-completions
    CACHE STRING "Where the zsh completion is installed (relative: under the prefix)")
set(FLOWGAP_FISH_COMPLETION_DIR ${CMAKE_INSTALL_DATADIR}/fish/vendor_completions.d
    CACHE STRING "Where the fish completion is installed (relative: under the prefix)")

install(TARGETS flowgap RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(DIRECTORY ${FLOWGAP_DOCS_DIR}/man1 DESTINATION ${CMAKE_INSTALL_MANDIR})
install(FILES ${FLOWGAP_DOCS_DIR}/completions/flowgap DESTINATION ${FLOWGAP_BASH_COMPLETION_DIR})
install(FILES ${FLOWGAP_DOCS_DIR}/completions/_flowgap DESTINATION ${FLOWGAP_ZSH_COMPLETION_DIR})
install(FILES ${FLOWGAP_DOCS_DIR}/completions/flowgap.fish DESTINATION ${FLOWGAP_FISH_COMPLETION_DIR})
# Every report schema in docs/ (flowgap-report/1 today; a diff or fleet schema added there comes along).
file(GLOB flowgap_schemas CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/docs/*.schema.json)
install(FILES ${flowgap_schemas} DESTINATION ${CMAKE_INSTALL_DATADIR}/flowgap)
# The CI gate script the GitLab example runs from the package (docs/examples/flowgap-gate.gitlab-ci.yml).
install(PROGRAMS ${PROJECT_SOURCE_DIR}/docs/examples/flowgap-gate.sh DESTINATION ${CMAKE_INSTALL_DATADIR}/flowgap)
install(FILES ${PROJECT_SOURCE_DIR}/README.md DESTINATION ${CMAKE_INSTALL_DOCDIR})
install(DIRECTORY ${PROJECT_SOURCE_DIR}/docs/ DESTINATION ${CMAKE_INSTALL_DOCDIR}
        FILES_MATCHING PATTERN "*.md" PATTERN "*.png" PATTERN "examples/*")

# `make deb`: a Debian package of the same install, its runtime dependencies computed by
# dpkg-shlibdeps (dpkg-dev) from the libraries the binary links.
set(FLOWGAP_PACKAGE_MAINTAINER "flowgap developers <flowgap@localhost>"
    CACHE STRING "The Maintainer field of the Debian package")
set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME flowgap)
set(CPACK_PACKAGE_VENDOR flowgap)
set(CPACK_PACKAGE_CONTACT "${FLOWGAP_PACKAGE_MAINTAINER}")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "audits firewall configurations against the Tanium port matrix")
set(CPACK_PACKAGE_DESCRIPTION
    "flowgap reads iptables, nftables, Windows Firewall and PAN-OS exports and tells which Tanium flows they block, with reports for terminals, CI and code scanning.")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_STRIP_FILES ON)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_SECTION net)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
include(CPack)
