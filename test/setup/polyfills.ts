import '../../lib/runtime-polyfills';
