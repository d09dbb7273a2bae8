namespace SmartDomains.Tests.XlConfig;

/// <summary>Disk specs for the libxlutil referee: today's syntax, the legacy xm/xl-4.1 forms, and what libxlutil refuses.</summary>
internal static class XlDiskSpecCorpus
{
    public static readonly string[] Specs =
    {
        // positional and keyword
        "/dev/vg/lv,raw,xvda,rw", "/img/a.qcow2,qcow2,xvdb,ro", "/x,,xvda", "/x,,xvda,", "/x,raw,xvda,w,", "/x,raw,xvda",
        "format=qcow2,vdev=xvdb,access=ro,target=/img/a.qcow2", "vdev=xvda,target=/x,y:z", "target=/img/a,b", "/x,raw,xvda,r,backendtype=qdisk",
        "backendtype=standalone,vdev=xvda,target=/x", "backend=dom1,vdev=xvda,target=/x", "script=block-foo,vdev=xvda,target=/x",
        "direct-io-safe,discard,/x,raw,xvda", "trusted,untrusted,no-discard,vdev=xvda,target=/x", "colo,no-colo,vdev=xvda,target=/x",
        "colo-port=9000,colo-host=h,colo-export=e,active-disk=a,hidden-disk=b,vdev=xvda,target=/x", "vdev=xvda,format=empty,devtype=cdrom",
        // whitespace
        " /x,raw,xvda,rw", "/x, raw, xvda, rw", "/x,raw,xvda,rw ", "/x , raw , xvda , rw", "/x,raw,xvda,\n rw", "\t/x,raw,xvda",
        // legacy prefixes
        "phy:/dev/vg/lv,xvda,w", "file:/img/x.raw,xvdb,r", "tap:aio:/img/x.img,xvda,w", "tap:qcow2:/img/x.qcow2,xvda,w",
        "tap2:tapdisk:aio:/x,xvda,w", "qcow2:/img/x.qcow2,xvda,w", "qcow:/x,xvda,w", "vhd:/x.vhd,xvda,w", "raw:/x,xvda,w", "aio:/x,hda,w",
        "ioemu:/x,hda,w", "phy:/x,xvda:disk,w", "tap:aio:/x,xvda,w,extra",
        "nbd:192.168.0.1:8000,xvda,w", "enbd:host:1,xvda,w", "drbd:resource,xvda,w",
        "iscsi:iqn.2001-05.com.equallogic:0-8a0906-23fe93404-c82797962054a96d-host,xvda,w", "nbd:a,script=foo,xvda",
        // CD-ROMs
        ",hdc:cdrom,r", ",hdc:cdrom", "phy:/dev/cdrom,hdc:cdrom,r", "file:/iso/a.iso,hdc:cdrom,r", "/iso/a.iso,,hdc,devtype=cdrom",
        "/iso/a.iso,raw,hdc:cdrom,r", "/dev/cdrom,hdc:cdrom,r", ",,hdc,r,devtype=cdrom", "vdev=hdc,devtype=cdrom", "cdrom,vdev=hdc",
        ",hdc:floppy,r", ",hdc:disk,w", ",raw,hdc,r,cdrom", "cdromx,raw,xvda",
        // refusals
        "foo:/dev/x,xvda,w", "foo:bar,raw,xvda", "xvda:,w", "/dev/vg/lv,xvda,w", "/x,raw,xvda,rw,extra", "/x,raw,xvda,rwx", "/x,bogus,xvda",
        "format=foo,vdev=xvda,target=/x", "format=raw,format=qcow2,vdev=xvda,target=/x", "format=foo,access=bar,vdev=xvda,target=/x",
        "devtype=floppy,vdev=xvda,target=/x", "backendtype=nbd,vdev=xvda,target=/x", "foo=bar,vdev=xvda,target=/x", "foo=,vdev=xvda,target=/x",
        "Foo=bar,vdev=xvda,target=/x", "vdev=xvda,vdev=xvdb,target=/x", "vdev=,vdev=xvdb,target=/x", "colo-port=abc,vdev=xvda,target=/x",
        "vdev=xvda", "/x", "/x,raw", "=x", "/x,raw,xvda,rw,=", "", ",", "target=", "nbd:a,nbd:b,xvda",
        "grant_usage=1,vdev=xvda,target=/x", "specification=virtio,vdev=xvda,target=/x", "specification=foo,vdev=xvda,target=/x",
    };
}
