"""The pure line composer for Chinese text: character classes and prohibitions (cjk), clusters and legal breaks
(clusters), widths and glue (prepare), total-fit breaking (breaker), and `compose.compose`, its entry point."""
