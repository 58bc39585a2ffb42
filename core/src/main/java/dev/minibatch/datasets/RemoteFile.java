package dev.minibatch.datasets;

/**
 * One file of a dataset as its mirrors serve it: {@code name + ".gz"}, with its published MD5 and size
 * (the size also bounds what is read from a mirror, so a misbehaving server cannot fill the disk).
 */
record RemoteFile(String name, String md5, long size) {
    String gzName() {
        return name + ".gz";
    }
}
