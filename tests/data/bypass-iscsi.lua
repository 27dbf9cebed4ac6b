-- Another dissector that hands TCP port 3260 straight to Wireshark's iSCSI
-- dissector, the way a Lua script or another plugin could: a path the
-- iscsi_login plugin does not stand in front of.
local p = Proto("bypass_iscsi", "Bypass to iSCSI")
local iscsi = Dissector.get("iscsi")
function p.dissector(tvb, pinfo, tree)
    return iscsi:call(tvb, pinfo, tree)
end
DissectorTable.get("tcp.port"):add(3260, p)
